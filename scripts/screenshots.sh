#!/usr/bin/env bash
# screenshots.sh: the README's pictures, made from the real TUI.
#
#   scripts/screenshots.sh [OUTDIR]     (default docs/screenshots)
#
# Runs `s3share demo` in a detached tmux pane of 120×32 in colour, walks
# it to the browser, the share panel and the ledger, captures each screen
# with its colours (tmux capture-pane -e) and renders it to PNG with
# freeze, pinned below and run with `go run` (nothing is added to go.mod).
# Needs tmux, Go and python3. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
freeze=github.com/charmbracelet/freeze@v0.2.2
mkdir -p "$out"
work=$(mktemp -d)
sock=s3share-shots-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
go build -o "$work/s3share" .
tm() { tmux -L "$sock" -f /dev/null "$@"; }
screen() { tm capture-pane -p -t shots; }
wait_for() { # wait_for TEXT: until the pane shows TEXT (10 s at most)
	for _ in $(seq 200); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "screenshots: \"$1\" never showed:" >&2
	screen >&2
	exit 1
}
keys() { for k in "$@"; do tm send-keys -t shots "$k"; sleep 0.15; done; }
shot() { # shot NAME: the pane, in colour, as NAME.png
	sleep 0.3 # let the frame settle
	# freeze reads only full styles and draws no reverse video: flatten.
	tm capture-pane -e -p -t shots | python3 scripts/sgr-flatten.py >"$work/$1.ansi"
	go run "$freeze" --language ansi --window --padding 12 --margin 0 --font.size 8 \
		--output "$out/$1.png" <"$work/$1.ansi" >/dev/null
	echo "wrote $out/$1.png"
}

tm new-session -d -x 120 -y 32 -s shots \
	"env XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config COLORTERM=truecolor TERM=xterm-256color $work/s3share demo --clipboard off"
wait_for "demo-docs"
# The browser: the docs bucket, a file selected, its details beside.
keys :
tm send-keys -t shots -l "demo-docs/"
keys Enter
wait_for "README.md"
for _ in $(seq 20); do
	screen | grep -q '^> .*README.md' && break
	keys Down
done
shot browser
# The share panel on it, set to a day, as an attachment.
keys s
wait_for "Method"
keys Down Right Down Right
shot share-panel
# Signed: the result, then two more links, and the ledger.
keys Enter
wait_for "link made"
keys Escape
sleep 0.3
keys Up s Enter
wait_for "link made"
keys Escape
sleep 0.3
keys H
wait_for "Share ledger"
shot ledger
keys Escape
sleep 0.3
keys q
