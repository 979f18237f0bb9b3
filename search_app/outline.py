"""A notice as a readable document: headings placed between their paragraphs, and an outline.

A parsed notice keeps its headings in one list and, on each paragraph, the
texts of the headings it sits under. The document view needs them interleaved,
so each heading is placed before the first paragraph under it; a heading with
no paragraph of its own still appears, in its place in the list.
"""

from dataclasses import dataclass, field


@dataclass
class Section:
    anchor: str  # the heading's id in the page, "h1", "h2", ...
    level: int
    marker: str
    text: str
    category: str
    children: list = field(default_factory=list)
    html: str = ""  # the text as HTML, with the query highlighted
    matches: int = 0  # paragraphs the search finds directly under this heading
    total: int = 0  # the same, with every heading below it: what the outline shows


def blocks(notice):
    """The notice's headings (Section) and paragraphs (dict) in reading order."""
    headings = notice.get("headings") or []
    out, path, placed = [], [], 0

    def place(upto):
        nonlocal placed
        for index in range(placed, upto):
            h = headings[index]
            out.append(Section(f"h{index + 1}", h["level"], h.get("marker") or "", h["text"],
                               h.get("category") or ""))
        placed = max(placed, upto)

    for paragraph in notice.get("paragraphs") or []:
        wanted = paragraph.get("headings") or []
        common = 0
        while common < min(len(path), len(wanted)) and path[common] == wanted[common]:
            common += 1
        for text in wanted[common:]:
            found = next((i for i in range(placed, len(headings)) if headings[i]["text"] == text), None)
            if found is not None:
                place(found + 1)
        path = wanted
        out.append(paragraph)
    place(len(headings))
    return out


def outline(sections):
    """The sections nested by level, for the table of contents, each with its matches counted (`total`)."""
    root = Section("", 0, "", "", "")
    stack = [root]
    for section in sections:
        node = Section(section.anchor, section.level, section.marker, section.text, section.category,
                       html=section.html, matches=section.matches)
        while len(stack) > 1 and stack[-1].level >= node.level:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    _add_up(root)
    return root.children


def count_matches(document):
    """Give each Section of `document` the number of `matched` paragraphs placed right under it."""
    current = None
    for block in document:
        if isinstance(block, Section):
            current = block
        elif block.get("matched") and current is not None:
            current.matches += 1


def _add_up(node):
    node.total = node.matches + sum(_add_up(child) for child in node.children)
    return node.total
