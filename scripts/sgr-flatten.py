#!/usr/bin/env python3
"""sgr-flatten.py: rewrite a tmux capture (capture-pane -e) for freeze.

tmux writes each change of style as a difference from the cell before
(39 for the default colour, 27 to end reverse video); freeze reads only
full settings and draws no reverse video. Each SGR sequence becomes the
full style it leaves in force, after a reset, with reverse video drawn as
the colours a dark terminal swaps to. Reads stdin, writes stdout.
"""
import re
import sys

DEFAULT_FG, DEFAULT_BG = "38;2;215;215;215", "48;2;24;24;24"


def flatten(text):
    st = {"fg": None, "bg": None, "attrs": set()}

    def colour(params, i, base):
        # returns (value, next index) for 38/48 forms
        if params[i + 1] == "5":
            return f"{base};5;{params[i + 2]}", i + 3
        return f"{base};2;{';'.join(params[i + 2:i + 5])}", i + 5

    def apply(params):
        params = params or ["0"]
        i = 0
        while i < len(params):
            p = params[i] or "0"
            n = int(p) if p.isdigit() else -1
            if n == 0:
                st["fg"], st["bg"], st["attrs"] = None, None, set()
            elif n in (1, 2, 3, 4, 5, 7, 9):
                st["attrs"].add(n)
            elif n == 22:
                st["attrs"] -= {1, 2}
            elif n in (23, 24, 25, 27, 29):
                st["attrs"].discard(n - 20)
            elif 30 <= n <= 37 or 90 <= n <= 97:
                st["fg"] = str(n)
            elif 40 <= n <= 47 or 100 <= n <= 107:
                st["bg"] = str(n)
            elif n == 39:
                st["fg"] = None
            elif n == 49:
                st["bg"] = None
            elif n in (38, 48):
                v, i = colour(params, i, p)
                st["fg" if n == 38 else "bg"] = v
                continue
            i += 1
        return render()

    def render():
        fg, bg = st["fg"] or DEFAULT_FG, st["bg"] or DEFAULT_BG
        if 7 in st["attrs"]:  # reverse: swap, naming both
            fg, bg = "38;" + bg[3:], "48;" + fg[3:]
        elif st["fg"] is None and st["bg"] is None:
            fg = bg = None
        out = ["0"] + [str(a) for a in sorted(st["attrs"] - {7})]
        out += [c for c in (fg, bg) if c]
        return "\x1b[" + ";".join(out) + "m"

    out = []
    for line in text.split("\n"):
        # tmux carries a style over the end of a line; freeze starts each
        # line afresh: say the style again.
        out.append(render() + re.sub(r"\x1b\[([0-9;:]*)m", lambda m: apply(m.group(1).replace(":", ";").split(";") if m.group(1) else []), line))
    return "\n".join(out)


sys.stdout.write(flatten(sys.stdin.read()))
