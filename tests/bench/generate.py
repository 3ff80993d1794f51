"""Deterministic synthetic measure records at any N, in the record format, for benchmarks.

    python -m tests.bench.generate N DIR [PROFILE]

Two profiles. "policy" (the default, what the engine was tuned on): a 300-word policy
vocabulary drawn by Zipf's law (exponent 1), 100-500-word bodies, some Chinese. "other"
(never tuned on): another seed, the vocabulary grown to 3,000 words with generated ones, a
steeper Zipf exponent (1.2), bodies of 30-1,200 words, three times the Chinese.

DIR receives the real taxonomy, sources and dictionaries from measures/ and N synthetic
records; nothing is ever written into measures/ itself.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import json

from indexer.errors import Report
from indexer.records.taxonomy import load_taxonomy
from indexer.records.fields import squash

SHIPPED = Path(__file__).resolve().parents[2] / "measures"

EN_WORDS = """
trade investment customs clearance bonded warehouse logistics railway port airport
shipping container certificate origin export import tariff finance insurance credit
enterprise talent qualification service ledger list digital paperless platform data
cross-border e-commerce settlement currency yuan bank loan guarantee fund headquarters
operator innovation reform pilot zone institutional industry manufacturing biomedicine
semiconductor automobile equipment energy oil gas storage tank refinery chemical
agriculture fishery food perishable express parcel inspection quarantine supervision
approval license registration filing commitment notification market access negative
catalogue services tourism culture education medical health elderly care housing
land planning construction environment carbon green emissions technology research
development transfer patent intellectual property court arbitration mediation dispute
legal foreign residents visa entry exit airline cargo multimodal transport corridor
channel hub cluster park district county province city integration cooperation
delta bay belt road region regional partnership agreement rcep standards rules
transparency efficiency time cost days hours reduction simplification window online
government affairs one-stop single processing review risk management credit rating
""".split()
ZH_WORDS = """
贸易 投资 通关 保税 仓库 物流 铁路 港口 机场 航运 集装箱 原产地证书 出口 进口 关税 金融
保险 信用 企业 人才 资格 服务 台账 白名单 数字 无纸化 平台 数据 跨境电商 结算 人民币
银行 贷款 担保 基金 总部 营运商 创新 改革 试点 自贸试验区 制度 产业 制造 生物医药 半导体
汽车 装备 能源 油品 储罐 化工 农业 渔业 食品 生鲜 快件 检验 检疫 监管 审批 许可 登记
备案 承诺 负面清单 旅游 文化 教育 医疗 健康 养老 规划 建设 环境 碳排放 绿色 技术 研发
专利 知识产权 法院 仲裁 调解 签证 多式联运 通道 枢纽 园区 长三角 粤港澳 一单制 一仓多功能
同罐共储 全球营运商计划 出口信用保险 中老铁路 高新技术企业 职业资格 金融支持
""".split()
PHRASES = [
    "customs clearance", "bonded warehouse", "certificate of origin", "export credit insurance",
    "cross-border e-commerce", "negative list", "market access", "one-stop window",
    "intellectual property", "multimodal transport", "service ledger", "risk management",
]


def _pseudo_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    syllables = "ka to ri mu se na lo pe di fu ga ze ho bi ny qu ve xi ja wo".split()
    out = set()
    while len(out) < count:
        out.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(out)


PROFILES = {
    "policy": dict(seed=20230511, words=EN_WORDS, zipf=1.0, body=(100, 500), chinese=0.15),
    "other": dict(seed=9001, words=EN_WORDS + _pseudo_words(2700, 9001), zipf=1.2,
                  body=(30, 1200), chinese=0.45),
}
_CUMULATIVE: dict[tuple[int, float], list[float]] = {}


def _zipf_words(rng: random.Random, words: list[str], k: int, exponent: float = 1.0) -> list[str]:
    """k words drawn by Zipf's law: the word of rank r with weight 1/r^s, as in real text."""
    key = (len(words), exponent)
    if key not in _CUMULATIVE:
        total, cum = 0.0, []
        for rank in range(1, len(words) + 1):
            total += 1.0 / rank ** exponent
            cum.append(total)
        _CUMULATIVE[key] = cum
    return rng.choices(words, cum_weights=_CUMULATIVE[key], k=k)


def _sentence(rng: random.Random, zone: dict, profile: dict) -> str:
    words = _zipf_words(rng, profile["words"], rng.randint(8, 22), profile["zipf"])
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(PHRASES))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), zone["short"])
    if rng.random() < profile["chinese"]:
        words.insert(rng.randrange(len(words)), rng.choice(ZH_WORDS))
    return " ".join(words).capitalize() + "."


def generate(n: int, target: Path, profile: str = "policy") -> Path:
    """Write the real taxonomy and n synthetic records of a profile into target (created)."""
    settings = PROFILES[profile]
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("zones.yaml", "pillars.yaml", "dictionary.txt", "synonyms.yaml", "glossary.yaml",
                 "places.yaml", "everyday.yaml"):
        shutil.copy(SHIPPED / name, target / name)
    shutil.copytree(SHIPPED / "sources", target / "sources", dirs_exist_ok=True)
    taxonomy = load_taxonomy(SHIPPED, Report(SHIPPED))
    # records quote its text: the first source's, as in every earlier run (other held
    # sources are Chinese notices, whose text has no English sentences to quote)
    source = taxonomy.sources["mofcom-2023-05-11-press-conference"]
    text = squash(source.text)
    sentences = [c for c in (s.strip().rstrip(".") + "." for s in text.split(". "))
                 if len(c) > 40 and "Huacheng" not in c and c in text]
    zones = [z.__dict__ for z in taxonomy.zones.values()]
    pillars = list(taxonomy.pillars)
    rng = random.Random(settings["seed"])
    start, span = dt.date(2013, 9, 29), (dt.date(2026, 10, 31) - dt.date(2013, 9, 29)).days
    for i in range(n):
        own = rng.sample(zones, k=1 if rng.random() < 0.85 else rng.randint(2, 4))
        words = _zipf_words(rng, settings["words"], rng.randint(3, 7), settings["zipf"])
        zh = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(2, 4)))
        body_words = rng.randint(*settings["body"])
        body, count = [], 0
        while count < body_words:
            sentence = _sentence(rng, own[0], settings)
            body.append(sentence)
            count += len(sentence.split())
        tags = sorted({w.lower() for w in _zipf_words(rng, settings["words"], rng.randint(3, 6),
                                                       settings["zipf"])}
                      | {rng.choice(ZH_WORDS)})
        meta = {
            "title": f"{own[0]['short']} {' '.join(words)}".strip(),
            "title_zh": f"{own[0]['short_zh']}{zh}",
            "zones": [z["id"] for z in own],
            "pillar": rng.choice(pillars),
            "date": (start + dt.timedelta(days=rng.randrange(span))).isoformat(),
            "tags": tags,
            "source": source.id,
            "quote": rng.choice(sentences),
        }
        paragraphs = [" ".join(body[j:j + 4]) for j in range(0, len(body), 4)]
        # JSON values are YAML too, and far quicker to write than yaml.safe_dump
        front = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                        for key, value in meta.items())
        text = "---\n" + front + "---\n" + "\n\n".join(paragraphs) + "\n"
        (target / f"synthetic-{i:06d}.md").write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:4])
