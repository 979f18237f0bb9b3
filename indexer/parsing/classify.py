"""Section category, paragraph roles and problem types.

The structure says most of it: a heading names its focus area or says it is
about organising the work or the next steps, and its sub-headings and
paragraphs inherit that (`sections`). Within a focus area, each paragraph's
sentences state a problem, a measure or a result (`roles`).

Problem types come from the paragraph's own content first, weighed so that a
word said in passing does not count, and then from the specific problem it
answers: the problem it quotes itself, else its own problem heading, else the
problem paragraph before it under the same heading. A heading further up, and
a focus-area heading (聚焦…), is a container: its words say nothing about this
paragraph. A paragraph in no named focus area takes the area of its types.
"""

from dataclasses import dataclass, field
from typing import Optional

from . import roles as R
from . import sentences
from .sections import NEXT_STEPS, ORGANISING, categorise, is_problem_heading, organises


@dataclass
class Block:
    """One heading or paragraph in document order, with what classification needs."""

    simp: str
    heading: Optional[object] = None  # a notice.Heading, for heading blocks
    paragraph: Optional[object] = None  # a notice.Paragraph, for paragraph blocks
    parents: list = field(default_factory=list)  # indexes of the enclosing heading blocks, outermost first
    closing: bool = False  # contact paragraph or signature
    own_category: bool = False  # the heading named its category itself (not inherited)


def classify(blocks, taxonomy):
    """Fill heading categories and paragraph category, roles and problem types in place."""
    categorise(blocks, taxonomy)
    first_heading = next((i for i, b in enumerate(blocks) if b.heading), len(blocks))
    first_paragraph = next((i for i, b in enumerate(blocks) if b.paragraph), None)
    last_problem = {}  # nearest heading index -> evidence of the last problem stated under it
    for i, block in enumerate(blocks):
        para = block.paragraph
        if para is None:
            continue
        types, category = [], None
        if block.closing:
            roles = [R.CONTACT]
        elif i < first_heading:
            first = i == first_paragraph
            roles = R.opening_roles(block.simp, first, organises(block.simp, first))
            category = ORGANISING if R.ORGANISING in roles and not first else None
        else:
            category = blocks[block.parents[-1]].heading.category
            if category == NEXT_STEPS:
                roles = [R.NEXT]
            elif category == ORGANISING:
                roles = R.organising_roles(block.simp)
            else:
                roles, types, scores = _problem_paragraph(block, blocks, taxonomy, last_problem)
                category = category or taxonomy.area_of(types, scores)
        para.roles, para.role = roles, roles[0]
        para.category, para.problem_types = category, types


def _problem_paragraph(block, blocks, taxonomy, last_problem):
    """(roles, problem types, their evidence) of a paragraph inside a focus area or a problem section."""
    roles, problem_text = R.measure_roles(block.simp)
    nearest = block.parents[-1]
    heading = blocks[nearest]
    if problem_text:
        problem = last_problem[nearest] = taxonomy.scores(_problem_name(problem_text))
    elif nearest in last_problem:
        problem = last_problem[nearest]
    else:
        above = _problem_heading(block, blocks)
        problem = taxonomy.scores(blocks[above].simp) if above is not None else {}
    answered = set(taxonomy.pick(problem, relative=False))
    own_types, own = _own_types(taxonomy, block.simp[len(problem_text):], answered)
    types = own_types | answered
    scores = {t: own.get(t, 0) + problem.get(t, 0) for t in types}
    if not types and not heading.own_category:
        # No evidence of its own and no problem above it: the measure's own heading names its subject.
        titled = taxonomy.scores(heading.simp)
        types, scores = set(taxonomy.pick(titled, relative=False)), titled
    ordered = [t for t in taxonomy.types if t in types]
    return roles, ordered, scores


def _own_types(taxonomy, simp, answered):
    """(types, evidence) of a paragraph's own text, decided sentence by sentence.

    A sentence is about one or two things; weighing each on its own keeps a
    second subject the paragraph really treats (…积极协调推进景区建设进度) and
    drops a word said in passing inside a sentence about something else. When
    the paragraph answers a known problem (`answered` types), another type must
    lead a sentence on its own: the means of a measure (召开“三会一课”, 纳入中心组
    学习) share sentences with its subject without being one.
    """
    types, evidence = set(), {}
    for sentence in sentences.split(simp):
        scores = taxonomy.scores(sentence)
        picked = taxonomy.pick(scores)
        if answered and picked:
            best = max(scores.values())
            leaders = [t for t in picked if scores[t] == best]
            picked = [t for t in picked if t in answered or leaders == [t]]
        types.update(picked)
        for t, s in scores.items():
            evidence[t] = evidence.get(t, 0) + s
    return types, evidence


def _problem_name(problem_text):
    """The problem's own name: the first sentence of what it quotes (针对“X。details”问题 → X)."""
    start = next((i for i, c in enumerate(problem_text) if c in "“\"「‘"), None)
    quoted = problem_text[start + 1:] if start is not None else problem_text
    first = sentences.split(quoted)
    return first[0] if first else problem_text


def _problem_heading(block, blocks):
    """The nearest heading above the paragraph that states a problem, below its focus-area heading, or None.

    Measure headings (推进新型婚育文化建设) are passed over to the problem they
    answer; the first problem heading met is the specific problem, and the
    problem groups above it (统筹推动行业管理…用力不足) are not.
    """
    for i in reversed(block.parents):
        if blocks[i].own_category:
            return None
        if is_problem_heading(blocks[i].simp):
            return i
    return None
