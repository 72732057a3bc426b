"""Synthetic corpora for the benchmark: real cases recombined, so that sizes and compression mean something.

Each synthetic case keeps a real case's structure (scam type, stages, red flags, money flow) and gets a new
victim, scaled amounts and script lines, summary and title recombined from all real cases, so no two
files are byte-identical and texts vary as a real corpus's would.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import yaml

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
PINYIN = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Xu Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Yu Du Ye Cheng Su Wei Lyu Ding Ren Shen Yao Lu Jiang Cui Zhong Tan Lu Wang Fan Jin Shi Liao Jia Xia Wei Fu Fang Bai Zou Meng Xiong Qin Qiu Jiang Yin Xue Yan Duan Lei Hou Long Shi Tao Li He Gu Mao Hao Gong Shao Wan Qian Yan Qin Wu Dai Mo Kong Xiang Tang".split()


ORDER = ("title", "summary", "date", "place", "sources", "scam_type", "platforms", "channels", "spoofed_numbers",
         "victim", "script", "money_flow", "loss", "red_flags", "advice")  # the model's order (FZ303)


def _texts(value, found: list) -> None:
    if isinstance(value, dict):
        if "zh" in value and isinstance(value.get("zh"), str):
            found.append(value)
        for child in value.values():
            _texts(child, found)
    elif isinstance(value, list):
        for child in value:
            _texts(child, found)


def _replace_name(value, old: dict, new: dict) -> None:
    for text in (t for t in _all(value)):
        text["zh"] = text["zh"].replace(old["zh"], new["zh"])
        if text.get("en") and old.get("en"):
            text["en"] = text["en"].replace(old["en"], new["en"])
        text.pop("en_from", None)


def _all(value) -> list:
    found: list = []
    _texts(value, found)
    return found


def write_cases(real_dir: Path, out_dir: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    real = [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in sorted(real_dir.glob("*.yml"))]
    turns_by_speaker: dict[str, list] = {}
    for case in real:
        for turn in case.get("script", []):
            turns_by_speaker.setdefault(turn["speaker"], []).append((turn["text"], turn.get("red_flags")))
    summaries = [case["summary"] for case in real]
    out_dir.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        case = copy.deepcopy(real[i % len(real)])
        k = rng.randrange(len(SURNAMES))
        female = rng.random() < 0.5
        new = {"zh": SURNAMES[k] + ("女士" if female else "先生"), "en": ("Ms " if female else "Mr ") + PINYIN[k]}
        old = case["victim"]["label"]
        for turn in case.get("script", []):
            if rng.random() < 0.6:  # recombine: a line of the same speaker from any real case, with its red flags
                text, flags = copy.deepcopy(rng.choice(turns_by_speaker[turn["speaker"]]))
                turn["text"] = text
                if flags:
                    turn["red_flags"] = flags
        other = rng.choice(summaries)
        case["summary"] = {"zh": case["summary"]["zh"] + other["zh"][: rng.randrange(20, 80)],
                           "en": case["summary"].get("en", "") + " " + other.get("en", "")[: rng.randrange(40, 160)]}
        _replace_name(case, old, new)
        case["victim"]["label"] = new
        case["title"]["zh"] += f"（第{i + 1}例）"
        case["title"]["en"] = case["title"].get("en", "") + f" (no. {i + 1})"
        factor = rng.randrange(1, 9)
        for step in case.get("money_flow", []):
            if step.get("amount_cny") is not None:
                step["amount_cny"] *= factor
        if case["loss"].get("amount_cny"):
            case["loss"]["amount_cny"] *= factor
        if rng.random() < 0.7:
            case["date"] = f"{rng.randrange(2019, 2026)}-{rng.randrange(1, 13):02d}"
        case = {key: case[key] for key in ORDER if key in case}
        name = f"synthetic-{i:05d}.yml"
        (out_dir / name).write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


ROOT = Path(__file__).resolve().parent.parent


def make_project(folder: Path, count: int) -> Path:
    """A copy of the project whose cases/ holds `count` synthetic cases (the real data/ and templates)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("data", "schema", "templates", "docs", "overrides", "fanzha"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, folder / name)
    write_cases(ROOT / "cases", folder / "cases", count)
    return folder
