"""Fictional names for the people a pack seeds, picked with the load's seeded RNG.

Every name made here is invented (a surname and a given name common in the region and period, put
together at random); none is a person of the sources. Chinese residents get Chinese names in pinyin
(Zhang Wenhai); Koreans (ethnic Koreans of China, Korean nationals in China, DPRK citizens) get Korean
names in the romanisation the packs already use for them (Kim Ok-sun, Ri Sun-ja, Choe Yong-ae).
A pack asks for one by giving a person as a mapping without ``name`` (see
:meth:`cases.classroom.seeding.SeedContext.person`).
"""

from __future__ import annotations

import random

from cases.choices import Nationality, Sex

CHINESE_SURNAMES = (
    "Zhang", "Wang", "Li", "Zhao", "Liu", "Chen", "Yang", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Zhu",
    "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Song", "Xie", "Han", "Tang", "Feng", "Yu",
    "Dong", "Cao", "Tian", "Du", "Wei", "Jiang", "Fan", "Shi", "Yao", "Cui", "Meng", "Qi",
)
CHINESE_MEN = (
    "Wenhai", "Dongshan", "Guoqiang", "Deming", "Zhiqiang", "Baolin", "Fuyou", "Changshan", "Qingshan",
    "Yonggui", "Deshun", "Wanlin", "Zhenhua", "Guoliang", "Xueli", "Shutian", "Fuqing", "Baoshan", "Changlin",
    "Yuxiang", "Jinbao", "Shengli", "Hongen", "Zhenguo", "Tiezhu", "Shuncai", "Fengwu", "Jiafu",
)
CHINESE_WOMEN = (
    "Guilan", "Shulan", "Yuzhen", "Xiuying", "Fengying", "Guizhi", "Suzhen", "Yulan", "Cuiping", "Shufen",
    "Xiulan", "Guifang", "Lanying", "Yufang", "Shuzhen", "Guiying", "Fengzhi", "Yuying", "Suqin", "Shuying",
)
KOREAN_SURNAMES = (
    "Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Cho", "Yun", "Jang", "Han", "O", "So", "Sin", "Kwon",
    "Hwang", "An", "Song", "Ryu", "Hong", "Jon", "Ko", "Mun", "Yang", "Son", "Pae", "Paek", "Ho", "Nam",
    "Sim", "No", "Ha", "Chae", "Ju", "Hyon",
)
KOREAN_MEN = (
    "Chol-su", "Yong-ho", "Myong-su", "Song-il", "Man-sik", "Tae-ho", "Yong-nam", "Chang-sik", "Kwang-il",
    "Sung-ho", "Hak-chol", "Chun-gil", "Jae-sun", "Il-nam", "Gil-su", "Bong-chol", "Dok-su", "Chol-min",
    "Yong-gil", "Sang-hun", "Ki-nam", "Hyong-jun", "Chang-ho", "Won-bok", "Tok-san", "Pyong-il",
)
KOREAN_WOMEN = (
    "Ok-sun", "Myong-hui", "Sun-ja", "Chun-ok", "Kyong-hui", "Yong-ae", "Ok-ran", "Mi-ja", "Sun-ok",
    "Hyang-mi", "Bok-nam", "Myong-suk", "Kyong-ae", "Chun-hwa", "Yong-ja", "Jong-suk", "Kum-sun", "Ok-hui",
    "Son-hui", "Sun-hui", "Yong-suk", "Kum-ok", "Hye-suk", "Chun-ja", "Mal-sun", "Pun-i",
)


def name_pool(sex: str, nationality: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (surnames, given names) for a person of this sex and nationality."""
    female = sex == Sex.FEMALE
    if nationality == Nationality.HAN:
        return CHINESE_SURNAMES, CHINESE_WOMEN if female else CHINESE_MEN
    return KOREAN_SURNAMES, KOREAN_WOMEN if female else KOREAN_MEN


def pick_name(rng: random.Random, *, sex: str, nationality: str, taken: set[str]) -> str:
    """Return a fictional name not in ``taken`` (and add it there), drawn with ``rng``.

    The same RNG state and the same ``taken`` give the same name, so a load repeats exactly. When the
    pool runs out (more than a few hundred people of one kind) a roman numeral tells namesakes apart.
    """
    surnames, given = name_pool(sex, nationality)
    for _attempt in range(200):
        name = f"{rng.choice(surnames)} {rng.choice(given)}"
        if name not in taken:
            taken.add(name)
            return name
    base = f"{rng.choice(surnames)} {rng.choice(given)}"
    for suffix in ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"):
        name = f"{base} {suffix}"
        if name not in taken:
            taken.add(name)
            return name
    raise ValueError("The name pool is exhausted for this exercise.")
