"""Fill the zh_Hans catalogue from the table below and compile it.

    .venv/bin/entrepot manage makemessages -l zh_Hans --no-location --no-obsolete  (in entrepot/)
    .venv/bin/python scripts/translations_zh.py

The table is the reviewed Chinese wording; a msgid missing from it fails loudly so
that no English string reaches a buyer untranslated. Compiling uses Babel, so
gettext's msgfmt is not needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "entrepot/locale/zh_Hans/LC_MESSAGES/django.po"

ZH = {
    "Back office": "运营后台",
    "Buyers": "买家",
    "display name": "显示名称",
    "country": "国家/地区",
    "province / state": "省/州",
    "city": "城市",
    "buyer": "买家",
    "buyers": "买家",
    "Catalogue": "商品目录",
    "name (English)": "名称（英文）",
    "name (Chinese)": "名称（中文）",
    "category": "类目",
    "categories": "类目",
    "Draft": "草稿",
    "Published": "已上架",
    "Suspended by operator": "已被平台下架",
    "brand": "品牌",
    "title (English)": "标题（英文）",
    "title (Chinese)": "标题（中文）",
    "description (English)": "描述（英文）",
    "description (Chinese)": "描述（中文）",
    "HS code": "HS编码",
    "country of origin": "原产国",
    "shipping weight (g)": "运输重量（克）",
    "from price": "起售价",
    "product": "商品",
    "products": "商品",
    "SKU": "SKU",
    "option (English)": "规格（英文）",
    "option (Chinese)": "规格（中文）",
    "price": "价格",
    "stock": "库存",
    "weight (g)": "重量（克）",
    "variant": "规格",
    "variants": "规格",
    "Simplified Chinese": "简体中文",
    "English": "英语",
    "Orders": "订单",
    "Placed": "已下单",
    "Paid": "已付款",
    "Shipped": "已发货",
    "Completed": "已完成",
    "Cancelled": "已取消",
    "Refunded": "已退款",
    "order number": "订单号",
    "ships from": "发货地",
    "ships to": "收货地",
    "goods": "商品金额",
    "shipping": "运费",
    "import taxes": "进口税费",
    "total": "合计",
    "placed": "下单时间",
    "paid": "付款时间",
    "completed": "完成时间",
    "order": "订单",
    "orders": "订单",
    "order line": "订单明细",
    "order lines": "订单明细",
    "Pricing": "定价",
    "where the rate came from, e.g. ECB": "汇率来源，例如欧洲央行",
    "exchange rate": "汇率",
    "exchange rates": "汇率",
    "Seller central": "卖家中心",
    "This account has no seller profile.": "该账户没有卖家资料。",
    "Sellers": "卖家",
    "business name": "商家名称",
    "shop address": "店铺地址",
    "ISO 3166 alpha-2": "ISO 3166 两位字母代码",
    "currency": "币种",
    "ISO 4217": "ISO 4217",
    "employees": "员工人数",
    "small business": "小微企业",
    "story (English)": "品牌故事（英文）",
    "story (Chinese)": "品牌故事（中文）",
    "joined": "入驻时间",
    "seller": "卖家",
    "sellers": "卖家",
    "Storefront": "商城",
    "Entrepôt": "汇通集市",
    "Marketplace overview": "市场概览",
    "GMV, last 30 days (paid orders)": "近30天成交额（已付款订单）",
    "paid orders, last 30 days": "近30天已付款订单",
    "of sellers are small businesses": "的卖家是小微企业",
    "Manage sellers, listings, buyers, orders and exchange rates": "管理卖家、商品、买家、订单和汇率",
    "Entrepôt cross-border market": "汇通集市 · 跨境购",
    "cross-border market": "跨境购",
    "Log out": "退出",
    "Log in": "登录",
    "Your email and password didn't match. Please try again.": "邮箱或密码不正确，请重试。",
    "Email": "邮箱",
    "Password": "密码",
    "Your products": "我的商品",
    "You are paid in %(c)s": "以 %(c)s 结算",
    "Title": "标题",
    "Chinese title": "中文标题",
    "Price": "价格",
    "Status": "状态",
    "No products yet.": "还没有商品。",
    "More": "更多",
    "Category": "类目",
    "Country of origin": "原产国",
    "Shipping weight": "运输重量",
    "Variants": "规格",
    "Option": "规格",
    "Stock": "库存",
    "Description": "商品详情",
    "No products here yet.": "这里还没有商品。",
    "Categories": "商品类目",
    "More products": "更多商品",
    "Good things from small businesses abroad": "海外小店好物",
    "Bought directly from the makers, priced in yuan, delivered to your door.": "直接向海外商家购买，人民币标价，送货到家。",
    "New arrivals": "新品上架",
    "%(n)s in stock": "库存 %(n)s 件",
    "Sold out": "已售罄",
    "Brand": "品牌",
    "Seller": "卖家",
    "Small business": "小微企业",
    "Prices are shown in CNY at the European Central Bank reference rate. "
    "Import taxes are calculated at checkout.": "价格按欧洲中央银行参考汇率折算为人民币显示。进口税费在结算时计算。",
    "Goods price converted at the reference rate of %(day)s. "
    "Shipping and cross-border taxes are added at checkout.": "商品价格按 %(day)s 的参考汇率折算。运费和跨境税费在结算时计入。",
    "edition": "版本",
    "the date this edition took effect": "该版本生效日期",
    "tariff number": "税则号列",
    "8-digit Chinese tariff number": "8位中国税则号列",
    "bonded only": "仅限保税",
    "remark 仅限网购保税商品: bonded-warehouse import (1210) only": "备注“仅限网购保税商品”：仅限保税备货模式（1210）",
    "yearly weight cap (kg)": "年度限重（千克）",
    "per-person yearly cap, e.g. 2 kg of sugar": "每人每年限量，例如白砂糖2千克",
    "note": "备注",
    "other remarks, e.g. limited to named products": "其他备注，例如仅限指定商品",
    "source": "来源",
    "e.g. sample, or the imported file's name": "例如样本，或导入文件名",
    "imported at": "导入时间",
    "positive list line": "正面清单条目",
    "positive list lines": "正面清单条目",
    'Prices are in CNY at the European Central Bank reference rate; "tax included" prices contain shipping and China\'s cross-border tax.': "价格按欧洲中央银行参考汇率折算为人民币；标注“含税”的价格已包含运费和跨境综合税。",
    "delivered, tax included": "含税到手价",
    "tax at checkout": "税费结算时计算",
    "Price breakdown": "价格明细",
    "delivered to mainland China, tax included": "寄至中国大陆，含税到手价",
    "goods price; tax and shipping at checkout": "商品价格；税费和运费结算时计算",
    "Goods": "商品",
    "Shipping (direct mail, estimate)": "运费（直邮，预估）",
    "Cross-border tax": "跨境综合税",
    "Not on China's cross-border positive list: this product cannot be sent to China through cross-border e-commerce.": "不在跨境电商零售进口商品清单内：该商品无法通过跨境电商寄往中国。",
    "This product cannot be quoted for delivery to China yet.": "该商品暂时无法报价寄往中国。",
    "Delivered price": "到手价",
    "Converted at the reference rate of %(day)s; shipping is the direct-mail estimate for this item alone.": "按 %(day)s 的参考汇率折算；运费为该商品单独直邮的预估费用。",
}


def main() -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hans")
    catalog.fuzzy = False
    catalog.project, catalog.version = "Entrepôt", "0.1"
    catalog.language_team = "Entrepôt translators"
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key not in ZH:
            missing.append(key)
            continue
        message.string = (ZH[key],) if isinstance(message.id, tuple) else ZH[key]
        message.flags.discard("fuzzy")
    if missing:
        print("no Chinese for:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, no_location=True)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    print(f"{PO.name}: {sum(1 for m in catalog if m.id)} messages translated and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
