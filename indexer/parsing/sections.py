"""Section categories: the focus area (巡察领域) a heading opens, or that it opens the
organising part or the next steps.

A heading usually names its category (聚焦群众身边腐败问题…, 组织领导情况,
下一步工作打算) and its sub-headings inherit it. Some do not: an organising
section may be headed by a slogan (强化政治自觉,全力以赴抓好巡察整改), so a
top-level section that names nothing is read from what its paragraphs say; and
the last section, if it only talks about the future, is the next steps.
"""

import re

from ..notice import CATEGORIES
from .roles import is_problem_start

ORGANISING, NEXT_STEPS = "整改组织推进", "下一步工作"
AREAS = CATEGORIES[:4]

#: A heading that states a problem (关于“…”问题, …问题) rather than naming a section.
_PROBLEM_HEADING = re.compile(r"[“\"「]|^关于|^针对|问题$")
#: …unless it is phrased as a focus area (在“…”方面, 聚焦…).
_AREA_PHRASE = re.compile(r"聚焦|方面|领域")
#: A heading whose last clause names a deficiency states a problem (文物保护慢作为, 相关制度不健全);
#: these phrases say 不 without naming one (不断改进工作作风).
_DEFICIENT = re.compile(r"不|未|缺|欠|差距|偏差|滞后|乏力|粗放|薄弱|弱化|短板|漏洞|跟不上|慢作为|闲置|少$")
_NOT_DEFICIENT = re.compile(r"不断|不折不扣|不松劲|毫不|不懈|不走样|不偏向|不反弹|不放松|防止")
#: What organising the rectification sounds like (who leads it, plans, ledgers, meetings on it).
ORGANISING_SIGNAL = re.compile(
    r"领导小组|整改方案|整改工作|巡察整改|巡视整改|整改任务|整改责任|整改落实|第一责任人|一岗双责|专题民主生活会|"
    r"销号|台账|责任清单|问题清单|任务清单|高度重视|督导|督办|调度|统筹推进|主体责任"
)
#: Words only the organising of the work uses, for the intro (whose 现将巡察整改进展情况予以公布 says 巡察整改).
ORGANISING_STRONG = re.compile(r"领导小组|整改方案|整改主体责任|第一责任人|一岗双责|专题民主生活会|销号|高度重视|整改台账|责任清单")
#: A section that holds problems: it is no organising section whatever its paragraphs say.
_PROBLEM_CONTAINER = re.compile(r"问题|反馈意见|存在|不足")
_FUTURE = re.compile(r"下一步|接下来|今后|将进一步|将继续|将持续|长效")


def organises(simp, first=False):
    """Does the paragraph talk about organising the rectification? The intro must use words only that does."""
    if first:
        return bool(ORGANISING_STRONG.search(simp))
    return len(ORGANISING_SIGNAL.findall(simp)) >= 2


def is_problem_heading(simp):
    """Does the heading state a problem (关于“…”, 理论学习不扎实) rather than a measure or a section?"""
    if _PROBLEM_HEADING.search(simp):
        return True
    last = re.split(r"[，,；;]", simp)[-1]
    return bool(_DEFICIENT.search(_NOT_DEFICIENT.sub("", last)))


def categorise(blocks, taxonomy):
    """Set every heading's category in place; mark the headings that named theirs (`own_category`)."""
    headings = [i for i, b in enumerate(blocks) if b.heading]
    top = [i for i in headings if blocks[i].heading.level == 1]
    for i in headings:
        block = blocks[i]
        heading = block.heading
        parent = blocks[block.parents[-1]].heading if block.parents else None
        if parent is not None and parent.category:
            heading.category = parent.category
            continue
        problem = is_problem_heading(block.simp)
        # Organising and next-step sections are top-level, and a problem heading
        # names a focus area only when phrased as one: the words of a quoted
        # problem (…领导班子成员…) say nothing about the section it sits in.
        allowed = AREAS if heading.level > 1 else CATEGORIES
        if problem and not _AREA_PHRASE.search(block.simp):
            allowed = ()
        heading.category = taxonomy.category_of(block.simp, allowed) if allowed else None
        if heading.category is None and heading.level == 1 and not problem:
            if i == top[-1] and len(top) > 1:
                heading.category = _closing_section(blocks, i)
            if heading.category is None and _organising_section(blocks, i):
                heading.category = ORGANISING
        block.own_category = heading.category is not None


def _section(blocks, at):
    """Indexes of the blocks inside the section headed at `at`."""
    level = blocks[at].heading.level
    end = next((k for k in range(at + 1, len(blocks)) if blocks[k].heading and blocks[k].heading.level <= level),
               len(blocks))
    return range(at + 1, end)


def _closing_section(blocks, at):
    """The last top-level section, if it only talks about the future, is the next steps."""
    text = "".join(b.simp for b in blocks[at + 1:] if b.paragraph and not b.closing)
    return NEXT_STEPS if _FUTURE.search(text) else None


def _organising_section(blocks, at):
    """A section naming no category is the organising part when its paragraphs organise and state no problem."""
    if _PROBLEM_CONTAINER.search(blocks[at].simp):
        return False
    inside = [blocks[k] for k in _section(blocks, at)]
    if any(b.heading and is_problem_heading(b.simp) for b in inside):
        return False
    paragraphs = [b.simp for b in inside if b.paragraph and not b.closing]
    if not paragraphs or any(is_problem_start(p) for p in paragraphs):
        return False
    organising = sum(organises(p) for p in paragraphs)
    return organising * 2 >= len(paragraphs)
