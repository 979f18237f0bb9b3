"""The fixed benchmark queries: what users type into the search box, with facet selections.

Words come from the problem-type taxonomy in DOMAIN.md; quoted phrases are copied
from the shipped notices (pure Chinese, no digits or unit names, so they survive the
corpus generator's substitutions). Filter values are ones the generated corpus holds
(`bench/corpus.py`: real provinces, years 2019–2025, levels 省/市/县) and the
categories, roles and problem types of `indexer.notice` and DOMAIN.md.

Each query is (kind, q, filters). Kinds: word, and (2–3 words), phrase, or, not, and
people: what a person types instead of the notices' words (everyday names of problems,
a role word beside a topic, a question without spaces, a typo), where best-match
retrieval does its broad work; a query with filters is the same kind, counted again
under "filtered" in the tables.
"""

WORDS = ("差旅费", "三重一大", "固定资产", "意识形态", "巡察整改", "第一议题", "民主生活会", "三会一课",
         "选人用人", "八项规定", "公务用车", "保密", "警示教育", "形式主义", "末位表态", "一岗双责",
         "采购", "考勤", "稿费", "官僚主义")

ANDS = ("差旅费 报销", "三重一大 集体决策", "意识形态 责任制", "固定资产 台账", "公务用车 管理",
        "理论学习 中心组 第一议题", "民主生活会 批评", "党风廉政 主体责任 警示教育", "财务 内控",
        "选人用人 档案")

PHRASES = ("理论学习中心组", "整改销号管理", "防止问题反弹", "严格执行请销假制度", "多报销的所有差旅费",
           "固定资产未入账", "巡察整改专题民主生活会", "意识形态工作责任制", "违反中央八项规定精神",
           "建立整改台账", "公务用车管理", "干部因私出国", "会议记录不规范", "内控手册", "后备干部队伍建设",
           "预算绩效", "举一反三", "党风廉政建设")

FILTERED = (
    ("word", "差旅费", {"province": ["吉林省"]}),
    ("word", "三重一大", {"year": ["2023"]}),
    ("word", "意识形态", {"level": ["县"]}),
    ("word", "巡察整改", {"category": ["群众身边腐败和不正之风"]}),
    ("word", "固定资产", {"problem_type": ["财务与资产管理"]}),
    ("word", "第一议题", {"role": ["整改措施"]}),
    ("and", "差旅费 报销", {"province": ["湖南省", "吉林省"], "year": ["2022", "2023"]}),
    ("and", "民主生活会 批评", {"level": ["市"], "category": ["基层党组织建设"]}),
    ("phrase", "理论学习中心组", {"province": ["云南省"]}),
    ("phrase", "固定资产未入账", {"year": ["2024"], "level": ["县"]}),
    ("phrase", "意识形态工作责任制", {"problem_type": ["意识形态"]}),
    ("phrase", "防止问题反弹", {"role": ["下一步计划"], "level": ["市"]}),
)

#: Typed as people type: no word of these needs to stand in the notices as written.
PEOPLE = ("公款吃喝", "小金库", "一言堂", "文山会海", "差旅费 整改措施", "三重一大 如何整改",
          "固定资产没入账怎么整改的", "意识形态 存在问题", "差旅废", "公车私用 整改", "乱发津贴 补贴 退还",
          "理论学习 下一步打算")

#: What a person has typed when the search box offers completions (/api/suggest): the first
#: characters of the words above, and their pinyin initials.
SUGGEST_PREFIXES = tuple(dict.fromkeys([w[:n] for w in WORDS for n in (1, 2)]
                                       + ["clf", "szyd", "gdzc", "ysxt", "dylt", "mzshh", "xryr", "bxgd"]))

OTHERS = (
    ("or", "差旅费 OR 公务用车", {}),
    ("or", "三会一课 OR 主题党日 OR 组织生活会", {}),
    ("not", "意识形态 -舆情", {}),
    ("not", "巡察整改 -整改情况", {}),
)


def _quoted(text):
    return f'"{text}"'


QUERIES = tuple(
    [("word", w, {}) for w in WORDS]
    + [("and", q, {}) for q in ANDS]
    + [("phrase", _quoted(p), {}) for p in PHRASES]
    + [(kind, _quoted(q) if kind == "phrase" else q, filters) for kind, q, filters in FILTERED]
    + list(OTHERS)
    + [("people", q, {}) for q in PEOPLE]
)

assert len(QUERIES) >= 50, "the issue asks for at least 50 queries"
