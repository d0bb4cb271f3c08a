package io.github.panamallama.internal.loader.bundle;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory of this user inside one every user can write to (the temporary directory). Libraries
 * loaded from there must not be replaceable by someone else between the check and the load, so
 * the directory has to be a real directory (not a link), owned by this user, and closed to
 * writes by others; it is created that way when absent.
 */
final class PrivateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {}

    /** @throws IOException saying why the directory cannot be trusted or made */
    static void ensure(Path directory) throws IOException {
        boolean posix = Files.getFileStore(existingAncestor(directory)).supportsFileAttributeView(PosixFileAttributeView.class);
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory.getParent());
            try {
                if (posix) {
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createDirectory(directory);
                }
            } catch (FileAlreadyExistsException e) {
                // made at the same moment by another process: checked below like any existing one
            }
        }
        BasicFileAttributes attributes = Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(directory + " is not a directory (a link or a file stands there)");
        }
        if (!posix) {
            return;
        }
        Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = uidOfThisProcess(directory.getParent());
        if (!owner.equals(self)) {
            throw new IOException(directory + " belongs to another user (uid " + owner
                    + ", this process runs as uid " + self + ")");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(directory + " is writable by other users (" + PosixFilePermissions.toString(permissions) + ")");
        }
    }

    /** The uid new files get: read from a file made for the purpose and removed again. */
    private static Object uidOfThisProcess(Path writable) throws IOException {
        Path probe = Files.createTempFile(writable, "panama-llama-", ".uid");
        try {
            return Files.getAttribute(probe, "unix:uid");
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static Path existingAncestor(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? path.toAbsolutePath().getRoot() : existing;
    }
}
