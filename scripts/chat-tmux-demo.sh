#!/usr/bin/env bash
# Shows the chat example in a real terminal: starts `scripts/example chat` in a detached tmux
# session (on a private tmux server, so your own sessions are untouched), types two turns,
# presses Ctrl-C during the second answer, quits, and prints the screen to stdout.
# Usage: scripts/chat-tmux-demo.sh [chat options]   (default: the built-in model, 200-token answers)
# Needs tmux (scripts/install-prerequisites.sh installs it) and a built checkout.
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v tmux >/dev/null || { echo "tmux is not installed: run scripts/install-prerequisites.sh" >&2; exit 1; }
[ $# -gt 0 ] || set -- --max-tokens 200 --temp 0.8 --seed 42
server="panama-llama-demo-$$"
tmux_() { tmux -L "$server" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true' EXIT

screen() { tmux_ capture-pane -p -J -S - -t demo; }
# Waits until the screen matches a pattern (extended regex), at most $2 seconds.
wait_for() {
  local deadline=$((SECONDS + $2))
  until screen | grep -Eq -- "$1"; do
    if [ "$(dead)" = 1 ]; then
      echo "chat-tmux-demo: the chat ended early; the screen was:" >&2
      screen >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "chat-tmux-demo: timed out waiting for /$1/; the screen was:" >&2
      screen >&2
      exit 1
    fi
    sleep 0.05
  done
}
dead() { tmux_ display-message -p -t demo '#{pane_dead}'; }
turns() { screen | grep -Ec -- '^\[[0-9]+ prompt tokens decoded' || true; }

# The program runs as the pane's own process (no shell around it), so Ctrl-C reaches only it;
# remain-on-exit keeps its last screen after it quits.
tmux_ new-session -d -s demo -x 100 -y 50 "$root/scripts/example" chat "$@" \; set-option -t demo remain-on-exit on
wait_for '^> $' 120

tmux_ send-keys -t demo "Hello! Who are you?" Enter
wait_for '^\[[0-9]+ prompt tokens decoded.*stop: [A-Z_]+' 120

tmux_ send-keys -t demo "Tell me a long story about a lighthouse." Enter
# Ctrl-C as soon as the answer has started.
until screen | grep -A1 -- 'a lighthouse\.$' | tail -n 1 | grep -q '[^ ]'; do sleep 0.02; done
tmux_ send-keys -t demo C-c
wait_for 'stop: CANCELLED' 60
[ "$(turns)" -eq 2 ] || { echo "chat-tmux-demo: expected two answers" >&2; screen >&2; exit 1; }

tmux_ send-keys -t demo "/quit" Enter
deadline=$((SECONDS + 60))
until [ "$(dead)" = 1 ]; do
  [ $SECONDS -lt $deadline ] || { echo "chat-tmux-demo: /quit did not end the chat" >&2; screen >&2; exit 1; }
  sleep 0.05
done
# The screen without the blank rows under the last line (tmux does not always learn the exit status).
screen | grep -v '^Pane is dead' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
status="$(tmux_ display-message -p -t demo '#{pane_dead_status}')"
echo "[chat ended${status:+ with status $status}]"
