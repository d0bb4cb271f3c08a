package io.github.panamallama.convert.pytorch;

import io.github.panamallama.convert.SourceType;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safe interpreter for the subset of Python's pickle format that {@code torch.save} writes
 * for a state dict. Nothing is ever called: the few globals a checkpoint may name are
 * whitelisted and mapped to data ({@link TensorRef}, {@link StorageRef}, maps); any other
 * opcode or global fails with its byte offset. Every count is checked against the bytes left,
 * so no input makes it allocate more than a small multiple of the pickle's own size.
 */
final class Unpickler {
    /** Python's {@code None}. */
    enum PyNone { NONE }

    /** A global the pickle named, resolved against the whitelist. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An immutable Python tuple. */
    record Tuple(List<Object> items) {
        Tuple {
            items = List.copyOf(items);
        }
    }

    /** A storage as torch's persistent id describes it: stored in entry {@code data/<key>}. */
    record StorageRef(SourceType type, String key, String location, long elements) {}

    /** A tensor rebuilt by {@code torch._utils._rebuild_tensor_v2}. */
    record TensorRef(StorageRef storage, long storageOffset, long[] size, long[] stride) {}

    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR_V2 = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Map<Global, SourceType> STORAGE_TYPES = Map.of(
            new Global("torch", "FloatStorage"), SourceType.F32,
            new Global("torch", "HalfStorage"), SourceType.F16,
            new Global("torch", "BFloat16Storage"), SourceType.BF16);
    private static final Set<Global> ALLOWED = Set.of(ORDERED_DICT, REBUILD_TENSOR_V2,
            new Global("torch", "FloatStorage"), new Global("torch", "HalfStorage"),
            new Global("torch", "BFloat16Storage"));

    /**
     * Containers (dicts, lists, tuples, tensors) one pickle may build. Mistral 7B's needs about
     * 3,000; the cap keeps a hostile pickle of a few MB from building millions of objects.
     */
    static final int MAX_OBJECTS = 1_000_000;

    /** Highest protocol whose framing this reader understands (torch.save writes 2). */
    private static final int MAX_PROTOCOL = 5;

    private final byte[] data;
    private int position;
    private int opcodeOffset;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int objects;

    private Unpickler(byte[] data) {
        this.data = data;
    }

    /** Runs the pickle to its STOP and returns the object it built. */
    static Object load(byte[] pickle) throws IOException {
        return new Unpickler(pickle).run();
    }

    private Object run() throws IOException {
        while (true) {
            if (position >= data.length) {
                throw new IOException("pickle truncated at offset " + position + ": no STOP opcode");
            }
            opcodeOffset = position;
            int opcode = data[position++] & 0xff;
            switch (opcode) {
                case 0x80 -> { // PROTO
                    int protocol = readU8();
                    if (protocol > MAX_PROTOCOL) {
                        throw error("unsupported pickle protocol " + protocol);
                    }
                }
                case 0x95 -> readLongLE(8); // FRAME: a length hint, the data is inline
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw error("STOP with " + stack.size() + " objects and " + marks.size()
                                + " marks on the stack");
                    }
                    return stack.getFirst();
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '}' -> push(counted(new LinkedHashMap<>())); // EMPTY_DICT
                case ']' -> push(counted(new ArrayList<>())); // EMPTY_LIST
                case ')' -> push(counted(new Tuple(List.of()))); // EMPTY_TUPLE
                case 'N' -> push(PyNone.NONE);
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'K' -> push((long) readU8()); // BININT1
                case 'M' -> push(readLongLE(2)); // BININT2
                case 'J' -> push((long) (int) readLongLE(4)); // BININT (signed)
                case 0x8a -> push(readLong1()); // LONG1
                case 'X' -> push(readUtf8(readLongLE(4))); // BINUNICODE
                case 0x8c -> push(readUtf8(readU8())); // SHORT_BINUNICODE
                case 'q' -> memo.put((long) readU8(), peek()); // BINPUT
                case 'r' -> memo.put(readLongLE(4), peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memoGet(readU8())); // BINGET
                case 'j' -> push(memoGet(readLongLE(4))); // LONG_BINGET
                case 'c' -> push(resolve(readLine(), readLine())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    String name = popString();
                    push(resolve(popString(), name));
                }
                case 't' -> push(counted(new Tuple(popToMark()))); // TUPLE
                case 0x85 -> push(counted(new Tuple(popN(1)))); // TUPLE1
                case 0x86 -> push(counted(new Tuple(popN(2)))); // TUPLE2
                case 0x87 -> push(counted(new Tuple(popN(3)))); // TUPLE3
                case 'a' -> { // APPEND
                    Object item = pop();
                    listOnTop("APPEND").add(item);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark();
                    listOnTop("APPENDS").addAll(items);
                }
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    mapOnTop("SETITEM").put(checkKey(key), value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark();
                    if (items.size() % 2 != 0) {
                        throw error("SETITEMS with an odd number of items (" + items.size() + ")");
                    }
                    Map<Object, Object> map = mapOnTop("SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) {
                        map.put(checkKey(items.get(i)), items.get(i + 1));
                    }
                }
                case 'Q' -> push(persistentLoad(pop())); // BINPERSID
                case 'R' -> { // REDUCE
                    Object arguments = pop();
                    push(counted(call(pop(), arguments)));
                }
                case 'b' -> { // BUILD: state for an OrderedDict (torch's _metadata): not needed
                    pop();
                    mapOnTop("BUILD");
                }
                default -> throw error(String.format("unsupported pickle opcode 0x%02x%s", opcode,
                        opcode >= 0x20 && opcode < 0x7f ? " ('" + (char) opcode + "')" : ""));
            }
        }
    }

    private Object counted(Object container) throws IOException {
        if (++objects > MAX_OBJECTS) {
            throw error("pickle builds more than " + MAX_OBJECTS + " objects; not a checkpoint index");
        }
        return container;
    }

    /**
     * Checkpoint dicts are keyed by strings (and ints in torch's metadata); refusing other keys
     * also means a hostile pickle cannot make hashing recurse through deeply nested tuples.
     */
    private Object checkKey(Object key) throws IOException {
        if (!(key instanceof String) && !(key instanceof Long)) {
            throw error("dict key " + describe(key) + " is not a string or an integer");
        }
        return key;
    }

    private Global resolve(String module, String name) throws IOException {
        Global global = new Global(module, name);
        if (!ALLOWED.contains(global)) {
            throw error("global " + global + " is not allowed in a checkpoint");
        }
        return global;
    }

    /** torch's persistent id: ('storage', storage type, key, location, element count). */
    private StorageRef persistentLoad(Object id) throws IOException {
        if (!(id instanceof Tuple(List<Object> items)) || items.size() != 5 || !"storage".equals(items.get(0))) {
            throw error("persistent id " + describe(id) + " is not a ('storage', type, key, location, numel) tuple");
        }
        if (!(items.get(1) instanceof Global global) || !STORAGE_TYPES.containsKey(global)) {
            throw error("persistent id names unsupported storage type " + describe(items.get(1)));
        }
        if (!(items.get(2) instanceof String key) || !key.matches("[0-9A-Za-z_]{1,64}")) {
            throw error("persistent id has invalid storage key " + describe(items.get(2)));
        }
        if (!(items.get(3) instanceof String location)) {
            throw error("persistent id has invalid location " + describe(items.get(3)));
        }
        long elements = nonNegative(items.get(4), "storage element count");
        return new StorageRef(STORAGE_TYPES.get(global), key, location, elements);
    }

    private Object call(Object callable, Object arguments) throws IOException {
        if (!(arguments instanceof Tuple(List<Object> args))) {
            throw error("REDUCE arguments are " + describe(arguments) + ", not a tuple");
        }
        if (ORDERED_DICT.equals(callable)) {
            if (!args.isEmpty()) {
                throw error("OrderedDict called with " + args.size() + " arguments; only () is supported");
            }
            return new LinkedHashMap<>();
        }
        if (REBUILD_TENSOR_V2.equals(callable)) {
            return rebuildTensor(args);
        }
        throw error("REDUCE cannot call " + describe(callable));
    }

    /** (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private TensorRef rebuildTensor(List<Object> args) throws IOException {
        if (args.size() != 6 && args.size() != 7) {
            throw error("_rebuild_tensor_v2 with " + args.size() + " arguments, expected 6 or 7");
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw error("_rebuild_tensor_v2 storage is " + describe(args.get(0)));
        }
        long offset = nonNegative(args.get(1), "storage offset");
        long[] size = longs(args.get(2), "size");
        long[] stride = longs(args.get(3), "stride");
        if (size.length != stride.length) {
            throw error("tensor has " + size.length + " dimensions but " + stride.length + " strides");
        }
        if (!(args.get(5) instanceof Map<?, ?> hooks) || !hooks.isEmpty()) {
            throw error("tensor has backward hooks " + describe(args.get(5)) + "; expected an empty OrderedDict");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    private long[] longs(Object value, String what) throws IOException {
        if (!(value instanceof Tuple(List<Object> items))) {
            throw error("tensor " + what + " is " + describe(value) + ", not a tuple");
        }
        long[] result = new long[items.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = nonNegative(items.get(i), "tensor " + what + "[" + i + "]");
        }
        return result;
    }

    private long nonNegative(Object value, String what) throws IOException {
        if (!(value instanceof Long number) || number < 0) {
            throw error(what + " is " + describe(value) + ", not a non-negative integer");
        }
        return number;
    }

    private static String describe(Object value) {
        if (value instanceof String text) {
            return "'" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
        }
        if (value instanceof Map<?, ?> map) {
            return "a dict of " + map.size() + " items";
        }
        if (value instanceof List<?> list) {
            return "a list of " + list.size() + " items";
        }
        if (value instanceof Tuple(List<Object> items)) {
            return "a tuple of " + items.size() + " items";
        }
        return String.valueOf(value);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object peek() throws IOException {
        if (stack.size() <= markFloor()) {
            throw error("stack underflow");
        }
        return stack.getLast();
    }

    private Object pop() throws IOException {
        Object value = peek();
        stack.removeLast();
        return value;
    }

    private String popString() throws IOException {
        if (!(pop() instanceof String text)) {
            throw error("STACK_GLOBAL expects strings");
        }
        return text;
    }

    private List<Object> popN(int count) throws IOException {
        if (stack.size() - markFloor() < count) {
            throw error("stack underflow");
        }
        List<Object> tail = stack.subList(stack.size() - count, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private List<Object> popToMark() throws IOException {
        if (marks.isEmpty()) {
            throw error("no MARK on the stack");
        }
        int mark = marks.removeLast();
        List<Object> tail = stack.subList(mark, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private int markFloor() {
        return marks.isEmpty() ? 0 : marks.getLast();
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> mapOnTop(String opcode) throws IOException {
        if (!(peek() instanceof Map<?, ?> map)) {
            throw error(opcode + " on " + describe(peek()) + ", not a dict");
        }
        return (Map<Object, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOnTop(String opcode) throws IOException {
        if (!(peek() instanceof ArrayList<?> list)) {
            throw error(opcode + " on " + describe(peek()) + ", not a list");
        }
        return (List<Object>) list;
    }

    private Object memoGet(long index) throws IOException {
        Object value = memo.get(index);
        if (value == null) {
            throw error("memo index " + index + " was never stored");
        }
        return value;
    }

    private int readU8() throws IOException {
        require(1);
        return data[position++] & 0xff;
    }

    private long readLongLE(int bytes) throws IOException {
        require(bytes);
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= (long) (data[position + i] & 0xff) << (8 * i);
        }
        position += bytes;
        return value;
    }

    /** LONG1: a little-endian two's-complement integer of up to 8 bytes here. */
    private long readLong1() throws IOException {
        int length = readU8();
        if (length > 8) {
            throw error("integer of " + length + " bytes does not fit in 64 bits");
        }
        if (length == 0) {
            return 0;
        }
        long value = readLongLE(length);
        int unused = 64 - 8 * length;
        return value << unused >> unused;
    }

    private String readUtf8(long length) throws IOException {
        if (length > data.length - position) {
            throw error("string of " + length + " bytes runs past the end of the pickle ("
                    + (data.length - position) + " bytes left)");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, position, (int) length)).toString();
            position += (int) length;
            return text;
        } catch (CharacterCodingException e) {
            throw error("string is not valid UTF-8");
        }
    }

    /** A newline-terminated ASCII line, as GLOBAL's module and name are written. */
    private String readLine() throws IOException {
        int start = position;
        for (int i = position; i < data.length && i - start <= 256; i++) {
            if (data[i] == '\n') {
                position = i + 1;
                return new String(data, start, i - start, StandardCharsets.US_ASCII);
            }
        }
        if (data.length - start <= 256) {
            throw error("pickle truncated inside a GLOBAL name");
        }
        throw error("GLOBAL name is longer than 256 bytes");
    }

    private void require(int count) throws IOException {
        if (data.length - position < count) {
            throw error("pickle truncated: needs " + count + " more bytes, "
                    + (data.length - position) + " left");
        }
    }

    private IOException error(String message) {
        return new IOException(message + " (pickle opcode at offset " + opcodeOffset + ")");
    }
}
