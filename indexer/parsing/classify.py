"""Section category, paragraph role and problem types.

A notice's structure says most of it: a heading names its focus area (聚焦群众身边
腐败问题…) or says it is about organising the work or the next steps, and its
sub-headings and paragraphs inherit that. Within a focus area, a paragraph
states a problem, a measure or a result; problem types come from the problem
statement, so a measure inherits the types of the problem it answers instead of
collecting every keyword its own busy text happens to contain.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from ..notice import CATEGORIES
from .headings import sentence_end

ORGANISING, NEXT_STEPS = "整改组织推进", "下一步工作"
AREAS = CATEGORIES[:4]

#: A heading that states a problem (关于“…”问题, …问题) rather than naming a section.
_PROBLEM_HEADING = re.compile(r"[“\"「]|^关于|^针对|问题$")
#: …unless it is phrased as a focus area (在“…”方面, 聚焦…).
_AREA_PHRASE = re.compile(r"聚焦|方面|领域")
_PROBLEM_START = re.compile(r"(?:针对|关于)\s*[“\"「‘]|(?:存在问题|问题表现|反馈问题|具体问题|问题)\s*[:：]")
_DEFICIENCY = re.compile(
    r"(?:不到位|不足|不够|不力|不强|不高|不严|不实|不深|不细|不规范|不健全|不完善|不及时|不明显|不充分|不畅|"
    r"滞后|欠缺|缺失|缺位|薄弱|弱化|差距|有待(?:提高|加强|提升|改进)|偏差|粗放|松懈|随意|较少|偏大|偏低|"
    r"流于形式|走过场|不扎实|不严谨|不严格|未落实|未执行|未按规定|未建立|未开展|未及时)$"
)
_RESULT_LABEL = re.compile(r"(?:完成情况|整改成效|整改结果|整改效果)\s*[:：]")
_RESULT = re.compile(
    r"已(?:全部|经)?(?:完成|整改|办结|退还|追回|收回|清退|计入|撤销|销号)|完成率|办结率|追回|清退|收回|挽回|"
    r"\d+(?:\.\d+)?\s*(?:%|万元|元)|完善制度\s*\d+|制度\s*\d+\s*项"
)
_ENUMERATION = re.compile(r"[一二三四五六七八九十]是")
_ORGANISING = re.compile(r"领导小组|整改方案|主体责任|第一责任人|一岗双责|专题民主生活会|销号|高度重视|整改台账|责任清单|问题清单")
_FUTURE = re.compile(r"下一步|接下来|今后|将进一步|将继续|将持续|长效")


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
    """Fill heading categories and paragraph category, role and problem types in place."""
    _categorise_headings(blocks, taxonomy)
    first_heading = next((i for i, b in enumerate(blocks) if b.heading), len(blocks))
    types_of_heading = {}
    last_problem = {}  # nearest heading index -> types of the last problem paragraph under it
    for i, block in enumerate(blocks):
        para = block.paragraph
        if para is None:
            continue
        if block.closing:
            para.role = "联系方式"
            continue
        if i < first_heading:
            para.role, para.category = _opening_role(block, i == 0)
            continue
        parent = blocks[block.parents[-1]]
        para.category = parent.heading.category
        if para.category == NEXT_STEPS:
            para.role = "下一步计划"
        elif para.category == ORGANISING:
            para.role = "组织推进"
        else:
            para.role, para.problem_types = _problem_section(block, blocks, taxonomy, types_of_heading, last_problem)


def _categorise_headings(blocks, taxonomy):
    headings = [i for i, b in enumerate(blocks) if b.heading]
    top = [i for i in headings if blocks[i].heading.level == 1]
    for i in headings:
        block = blocks[i]
        heading = block.heading
        parent = blocks[block.parents[-1]].heading if block.parents else None
        if parent is not None and parent.category:
            heading.category = parent.category
            continue
        problem = bool(_PROBLEM_HEADING.search(block.simp))
        # Organising and next-step sections are top-level, and a problem heading
        # names a focus area only when phrased as one: the words of a quoted
        # problem (…领导班子成员…) say nothing about the section it sits in.
        allowed = AREAS if heading.level > 1 else CATEGORIES
        if problem and not _AREA_PHRASE.search(block.simp):
            allowed = ()
        heading.category = taxonomy.category_of(block.simp, allowed) if allowed else None
        if heading.category is None and top and i == top[-1] and len(top) > 1 and not problem:
            heading.category = _closing_section(blocks, i)
        block.own_category = heading.category is not None


def _closing_section(blocks, at):
    """The last top-level section, if it only talks about the future, is the next steps."""
    text = "".join(b.simp for b in blocks[at + 1:] if b.paragraph and not b.closing)
    return NEXT_STEPS if _FUTURE.search(text) else None


def _opening_role(block, first):
    """Paragraphs before the first heading: the intro, counts, or how the work was organised."""
    if not first and _ORGANISING.search(block.simp):
        return "组织推进", ORGANISING
    return "概述", None


def _problem_section(block, blocks, taxonomy, types_of_heading, last_problem):
    """Role and problem types of a paragraph inside a focus area (or an unnamed problem section)."""
    simp = block.simp
    nearest = block.parents[-1]
    has_problem_heading, heading_types = _heading_types(block, blocks, taxonomy, types_of_heading)
    if _is_problem(simp):
        types = taxonomy.types_of(problem_portion(simp)) or heading_types
        last_problem[nearest] = types
        return "问题", types
    if nearest in last_problem:
        types = last_problem[nearest]
    elif has_problem_heading:
        types = heading_types
    else:
        # No problem stated above it: the measure's own words are all there is.
        types = taxonomy.types_of(simp)
    return ("整改成效" if _is_result(simp) else "整改措施"), types


def _heading_types(block, blocks, taxonomy, cache):
    """(is there a problem heading above the paragraph, the types of the nearest one that has any).

    Problem headings are those below the heading that named the focus area;
    headings above it are containers (二、巡察反馈问题整改情况) with nothing to say.
    """
    found = False
    for i in reversed(block.parents):
        if blocks[i].own_category or (blocks[i].heading.level == 1 and blocks[i].heading.category is None
                                      and not _PROBLEM_HEADING.search(blocks[i].simp)):
            break
        found = True
        if i not in cache:
            cache[i] = taxonomy.types_of(blocks[i].simp)
        if cache[i]:
            return True, cache[i]
    return found, []


def _is_problem(simp):
    if _PROBLEM_START.match(simp):
        return True
    end = sentence_end(simp)
    # A paragraph opening with a short deficiency sentence (组织建设滞后。…) states the problem.
    return 0 < end <= 50 and bool(_DEFICIENCY.search(simp[:end])) and not _ENUMERATION.match(simp)


def _is_result(simp):
    if _RESULT_LABEL.match(simp):
        return True
    if simp.startswith(("整改情况", "整改措施")) or _ENUMERATION.search(simp):
        return False
    sentences = [s for s in re.split(r"[。；;]", simp) if s.strip()]
    return bool(sentences) and 2 * sum(bool(_RESULT.search(s)) for s in sentences) > len(sentences)


def problem_portion(simp):
    """The problem statement a paragraph opens with (针对“…”问题), up to its first full stop."""
    end = sentence_end(simp)
    return simp if end < 0 else simp[:end]
