"""Paragraph roles, decided sentence by sentence.

A paragraph of a notice often does several things: it quotes the problem fed
back and then says how it was rectified (针对“…”问题。一是…), or tells a measure
and what it achieved (…全部办结，办结率100%). Each sentence is read as a problem
statement, a result or (by default) a measure; the paragraph's roles are the
set of what its sentences do. The primary role, shown with a hit, is the
problem when the paragraph opens with it, else what the paragraph mostly says:
the measure, unless results make up half of it.
"""

import re
from functools import lru_cache

from . import sentences
from .headings import sentence_end

PROBLEM, MEASURE, RESULT = "问题", "整改措施", "整改成效"
ORGANISING, NEXT, OVERVIEW, CONTACT = "组织推进", "下一步计划", "概述", "联系方式"

#: A problem as fed back: 针对“…”问题, 关于“…”, 问题：…
_PROBLEM_START = re.compile(r"(?:针对|关于)\s*[“\"「‘]|(?:存在问题|问题表现|反馈问题|具体问题|问题\s*\d*)\s*[:：]")
#: …or a short sentence opening the paragraph that names a deficiency (组织建设滞后。).
_DEFICIENCY = re.compile(
    r"(?:不到位|不足|不够|不力|不强|不高|不严|不实|不深|不细|不规范|不健全|不完善|不及时|不明显|不充分|不畅|"
    r"滞后|欠缺|缺失|缺位|薄弱|弱化|差距|有待(?:提高|加强|提升|改进)|偏差|粗放|松懈|随意|较少|偏大|偏低|"
    r"流于形式|走过场|不扎实|不严谨|不严格|未落实|未执行|未按规定|未建立|未开展|未及时)$"
)
_ENUMERATION = re.compile(r"[一二三四五六七八九十]是")
_MEASURE_LABEL = re.compile(r"(?:整改情况|整改措施|整改举措|整改进展情况|整改进展)\s*[:：]")
_RESULT_LABEL = re.compile(r"(?:完成情况|整改成效|整改结果|整改效果)\s*[:：]")

#: An outcome: the fault undone, work completed, a rate, money back, rules made, a figure reached.
_RESULT = re.compile(
    r"已(?:全部|全面|经|基本|及时|均)?(?:完成|整改|办结|退还|退回|追回|收回|清退|缴回|追缴|计入|入账|撤销|销号|补齐|补办)"
    r"|已[^，,。；]{0,6}(?:拨付|落实|整改|退还|办理)到位|^完成"
    r"|(?:全部|均已?)(?:完成|办结|整改到位|退还|到位)|完成整改(?!情况)|整改完成(?!情况)|整改到位|整改完毕"
    r"|(?:完成|办结|整改|销号|结案)率|\d+(?:\.\d+)?\s*[%％]"
    r"|(?:追回|收回|清退|退还|退回|追缴|挽回|收缴|缴回)[^，,。；]{0,15}?\d+(?:\.\d+)?\s*(?:万元|元|万)"
    r"|予以(?:撤销|清退|追缴|收回)"
    r"|(?:计入|纳入)固定资产"
    r"|已(?:及时|全部)?(?:完善|补办|补齐|补签)了?[^，,。；]{0,25}(?:手续|程序|签字|盖章)"
    r"|(?:建立|制定|完善|修订|新建|出台|健全)[^，,。；]{0,10}?(?:制度|机制)\s*\d+\s*(?:项|个|条|份)"
    r"|\d+\s*(?:项|个|条)(?:规章)?制度"
    r"|实现[^，,。；]{0,12}全覆盖|(?:^|[，,])无[^，,。；]{0,10}(?:情况|现象)"
    r"|金牌\s*\d+|\d+\s*枚"
    r"|新增[^，,。；]{0,16}?\d+"
    r"|截至[^。；]{0,30}?\d+\s*(?:处|个|项|家|件|名)"
    r"|完成[^，,。；]{0,12}?\d+\s*(?:场次|场|个(?!月)|项|件|处|家)"
    r"|解决[^，,。；]{0,8}问题\s*\d+\s*个"
    r"|(?:诫勉|批评教育|提醒谈话|谈话提醒|教育提醒|责令检查|政务处分|党纪处分|组织处理|问责|通报批评|批评帮助)"
    r"[^，,。；]{0,6}?\d+\s*(?:人|名)"
)
#: A sentence that only says what is to be done is no result (确保…整改到位, 推动…整改到位).
_INTENT = re.compile(r"确保|力争|争取|责令(?!检查)|计划|将于|将在|将继续|将进一步|拟|预计|务必|做到|推动|推进|督促")
#: A sentence ending in 完成 reports completion (修缮在上半年完成).
_DONE_AT_END = re.compile(r"完成(?:了)?[。；;！!]?$")
#: Clauses of a result sentence that carry its figures, for how much of a paragraph is results.
_CLAUSE = re.compile(r"[^，,、：:]+[，,、：:]?")


def is_problem_start(simp):
    """Does the paragraph open with a problem as fed back?"""
    if _PROBLEM_START.match(simp):
        return True
    end = sentence_end(simp)
    return 0 < end <= 50 and bool(_DEFICIENCY.search(simp[:end])) and not _ENUMERATION.match(simp)


@lru_cache(maxsize=8192)
def is_result(sentence):
    """Does the sentence report an outcome of the rectification?"""
    if _RESULT_LABEL.match(sentence):
        return True
    found = _RESULT.search(sentence) or _DONE_AT_END.search(sentence)
    if not found:
        return False
    clause = max(sentence.rfind(c, 0, found.start()) for c in "，,") + 1
    return not _INTENT.search(sentence[clause:found.end()])


@lru_cache(maxsize=8192)
def result_length(sentence):
    """How much of a result sentence is results: its clauses that name an outcome or a figure.

    An organising sentence that ends with 先后制定完善26项制度 is mostly
    organising; a sentence of figures (…已完成整改19个、正在整改6个…) is all results.
    """
    if not is_result(sentence):
        return 0
    clauses = _CLAUSE.findall(sentence)
    return sum(len(c) for c in clauses if _RESULT.search(c) or _DONE_AT_END.search(c) or re.search(r"\d", c)) \
        or len(sentence)


def measure_roles(simp):
    """(roles with the primary one first, problem text) of a paragraph in a problem section.

    The problem text is the problem the paragraph states itself, if any: its
    first sentence when that is a problem statement. A paragraph the notice
    labels 整改情况： is the measure first whatever it reports.
    """
    parts = sentences.split(simp)
    problem = parts[0] if parts and is_problem_start(simp) else ""
    weights = {PROBLEM: len(problem), MEASURE: 0, RESULT: 0}
    for part in parts[1:] if problem else parts:
        results = result_length(part)
        weights[RESULT] += results
        weights[MEASURE] += len(part.strip()) - results
    if _RESULT_LABEL.match(simp):
        weights[RESULT], weights[MEASURE] = weights[RESULT] + weights[MEASURE], 0
    roles = [role for role in (MEASURE, RESULT, PROBLEM) if weights[role]]
    done = weights[MEASURE] + weights[RESULT]
    if _MEASURE_LABEL.match(simp):
        primary = MEASURE  # the notice itself calls it the measure (整改情况：…)
        roles = roles if MEASURE in roles else [MEASURE] + roles
    elif not done:
        primary = PROBLEM
    else:
        # A paragraph opening with its problem (榆树's 针对“…”问题。一是…) is mostly what was
        # done about it: that is its primary role, and 问题 stays in its roles, which the
        # 段落类型 filter and a 存在问题 search read.
        primary = RESULT if weights[RESULT] * 2 >= done else MEASURE
    return _primary_first(roles or [MEASURE], primary), problem


def organising_roles(simp):
    """Roles of an organising paragraph: 组织推进, and 整改成效 when it reports results (primary if mostly)."""
    return _with_results(simp, ORGANISING)


def _with_results(simp, base):
    """[base], or with 整改成效 first or second by how much of `simp` is results; results alone keep no base."""
    parts = sentences.split(simp)
    results = sum(result_length(p) for p in parts)
    if not results:
        return [base]
    if all(is_result(p) for p in parts):
        return [RESULT]
    return [RESULT, base] if results * 2 >= len(simp) else [base, RESULT]


def opening_roles(simp, first, organising):
    """Roles of a paragraph before the first heading: the intro, the organising, or the figures.

    `organising` says whether the paragraph talks about organising the work.
    """
    if first:
        roles = [OVERVIEW, ORGANISING] if organising else [OVERVIEW]
        return roles + [RESULT] if any(is_result(p) for p in sentences.split(simp)) else roles
    return _with_results(simp, ORGANISING if organising else OVERVIEW)


def _primary_first(roles, primary):
    return [primary] + [r for r in roles if r != primary]
