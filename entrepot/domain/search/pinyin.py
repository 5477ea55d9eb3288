"""Pinyin for Chinese words, and typed pinyin cut back into syllables.

Shoppers on a phone often type pinyin without choosing the characters: `weishengsu`
for 维生素, or only the initials, `wss`. The index therefore holds, for every Chinese
word of a title, its full pinyin joined (`weishengsu`) and its initials (`wss`), and
for every pair of characters its pinyin (`yuyou` for 鱼油). A typed string that is
not an indexed term but reads as pinyin (`yuyouruanjiaonang`) is cut into syllables
here, so the query can look for the pinyin of each pair of them.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Every syllable of Mandarin in plain letters (ü written v, as pinyin keyboards do).
SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bu
    ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou
    chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang
    dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo e ei en
    eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou
    gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai
    kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
    le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo lv lve
    ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang
    nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo nv nve o
    ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang
    qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan
    rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi
    shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan
    tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei
    wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao
    ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan
    zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi
    zong zou zu zuan zui zun zuo""".split()
)
_LONGEST = max(len(s) for s in SYLLABLES)


@lru_cache(maxsize=65536)
def syllables_of(word: str) -> tuple[str, ...]:
    """The pinyin syllables of a Chinese word: 维生素 -> ("wei", "sheng", "su")."""
    return tuple(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False))


def full_pinyin(word: str) -> str:
    """维生素 -> "weishengsu"."""
    return "".join(syllables_of(word))


def initials(word: str) -> str:
    """维生素 -> "wss": the first letter of each syllable (zh, ch, sh count as z, c, s)."""
    return "".join(s[0] for s in syllables_of(word) if s)


@lru_cache(maxsize=4096)
def split_syllables(text: str) -> tuple[str, ...] | None:
    """Cut typed pinyin into syllables ("yuyou" -> ("yu", "you")), or None if it is not
    pinyin. Longest syllable first, backtracking when the rest cannot be cut."""
    if not text.isascii() or not text.isalpha():
        return None

    memo: dict[int, tuple[str, ...] | None] = {}

    def cut(start: int) -> tuple[str, ...] | None:
        if start == len(text):
            return ()
        if start not in memo:
            memo[start] = None
            for end in range(min(len(text), start + _LONGEST), start, -1):
                piece = text[start:end]
                rest = cut(end) if piece in SYLLABLES else None
                if rest is not None:
                    memo[start] = (piece, *rest)
                    break
        return memo[start]

    return cut(0)
