#!/usr/bin/env python3
"""ansi2html.py - a tmux `capture-pane -e -p` capture as a standalone HTML page.

Usage: ansi2html.py CAPTURE COLS ROWS [dark|light] > page.html

Handles the SGR codes tmux emits (reset, bold, dim, italics, underline,
reverse, 8/16 colours, 256 colours, RGB), with xterm's default palette, so
the page shows exactly the cells the terminal had; used by generate.sh to
turn real runs into PNGs with headless Chromium.
"""
import html
import re
import sys

BASE16 = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
          (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
          (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
CUBE = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff]


def palette(i):
    if i < 16:
        return BASE16[i]
    if i < 232:
        i -= 16
        return (CUBE[i // 36], CUBE[(i // 6) % 6], CUBE[i % 6])
    g = 8 + 10 * (i - 232)
    return (g, g, g)


def hexc(rgb):
    return '#%02x%02x%02x' % rgb


class State:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.ul = self.rev = self.it = False

    def apply(self, params):
        p = [int(x) if x else 0 for x in params.split(';')] if params else [0]
        i = 0
        while i < len(p):
            c = p[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.it = True
            elif c == 4:
                self.ul = True
            elif c == 7:
                self.rev = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.it = False
            elif c == 24:
                self.ul = False
            elif c == 27:
                self.rev = False
            elif 30 <= c <= 37:
                self.fg = palette(c - 30)
            elif 90 <= c <= 97:
                self.fg = palette(c - 90 + 8)
            elif 40 <= c <= 47:
                self.bg = palette(c - 40)
            elif 100 <= c <= 107:
                self.bg = palette(c - 100 + 8)
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(p):
                if p[i + 1] == 5 and i + 2 < len(p):
                    col = palette(p[i + 2])
                    i += 2
                elif p[i + 1] == 2 and i + 4 < len(p):
                    col = (p[i + 2], p[i + 3], p[i + 4])
                    i += 4
                else:
                    col = None
                if c == 38:
                    self.fg = col
                else:
                    self.bg = col
            i += 1

    def style(self, dfg, dbg):
        fg = self.fg or dfg
        bg = self.bg or dbg
        if self.rev:
            fg, bg = bg, fg
        if self.bold and self.fg and self.fg in BASE16[:8]:
            fg = BASE16[BASE16.index(self.fg) + 8]
        s = 'color:%s;' % hexc(fg)
        if bg != dbg or self.rev:
            s += 'background:%s;' % hexc(bg)
        if self.bold:
            s += 'font-weight:bold;'
        if self.dim:
            s += 'opacity:0.6;'
        if self.it:
            s += 'font-style:italic;'
        if self.ul:
            s += 'text-decoration:underline;'
        return s


def main():
    path, cols, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    scheme = sys.argv[4] if len(sys.argv) > 4 else 'dark'
    dfg, dbg = ((0xd0, 0xd0, 0xd0), (0x1c, 0x1c, 0x1c)) if scheme == 'dark' else \
        ((0x22, 0x22, 0x22), (0xfa, 0xfa, 0xf7))
    text = open(path, encoding='utf-8', errors='replace').read()
    lines = text.split('\n')[:rows]
    out = []
    st = State()
    tok = re.compile(r'\x1b\[([0-9;]*)m|\x1b\[[0-9;?]*[A-Za-z]|([^\x1b]+)')
    for line in lines:
        spans = []
        col = 0
        for m in tok.finditer(line):
            if m.group(1) is not None:
                st.apply(m.group(1))
            elif m.group(2):
                chunk = m.group(2)
                col += len(chunk)
                spans.append('<span style="%s">%s</span>' % (st.style(dfg, dbg), html.escape(chunk)))
        # tmux trims trailing default blanks: pad them back (its SGR state
        # carries over from one line to the next, so st is not reset)
        if col < cols:
            spans.append(' ' * (cols - col))
        out.append(''.join(spans))
    while len(out) < rows:
        out.append(' ' * cols)
    print('''<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; background: %s; }
pre { margin: 0; padding: 12px 14px; font: 15px/19px "DejaVu Sans Mono", monospace; color: %s;
      background: %s; white-space: pre; }
span { display: inline-block; height: 19px; vertical-align: top; }
</style></head><body><pre>%s</pre></body></html>''' % (hexc(dbg), hexc(dfg), hexc(dbg), '\n'.join(out)))


if __name__ == '__main__':
    main()
