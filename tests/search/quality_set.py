"""The search-quality set: queries a shopper types, and the products that must be found.

Each entry is (kind, query, product names): the query passes when at least one of the
first five results is a listing of one of those products (the English name a seeded
title ends with, `entrepot.seeding` vocabulary). Run over the seeded demo catalogue by
test_quality.py, which prints the score.
"""

VITAMINS = (
    "Vitamin D3 2000 IU Softgels",
    "Kids' Multivitamin Gummies",
    "Vitamin C 1000 mg Effervescent Tablets",
)
FISH_OILS = (
    "Omega-3 Fish Oil 1000 mg",
    "Wild Salmon Oil for Dogs & Cats",
    "Kids' Cod Liver Oil, Lemon Flavour",
)
YOGA_MATS = ("Natural Cork Yoga Mat", "Natural Rubber Yoga Mat")
CAT_FOOD = ("Grain-free Cat Food", "Wet Cat Food Pâté")
BLOCKS = (
    "Wooden Building Blocks",
    "Interlocking Brick Building Set",
    "Magnetic Building Tiles, 60 pcs",
)
COFFEE_BEANS = (
    "Single-origin Coffee Beans",
    "House Espresso Blend",
    "Water-process Decaf Coffee Beans",
)
TEAS = (
    "Sencha Green Tea, Loose Leaf",
    "English Breakfast Tea Bags",
    "Earl Grey Loose Leaf Tea",
    "Ceremonial Grade Matcha",
)

QUALITY_SET: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Chinese
    ("chinese", "维生素D3", ("Vitamin D3 2000 IU Softgels",)),
    ("chinese", "鱼油", FISH_OILS),
    ("chinese", "益生菌", ("Probiotic 50 Billion CFU Capsules",)),
    ("chinese", "胶原蛋白", ("Marine Collagen Peptides Powder",)),
    (
        "chinese",
        "羊奶粉",
        ("Organic Goat Milk Infant Formula Stage 1", "Organic Goat Milk Follow-on Formula Stage 2"),
    ),
    ("chinese", "防晒霜", ("Mineral Sunscreen SPF 50",)),
    ("chinese", "口红", ("Satin Lipstick",)),
    ("chinese", "绘本", ("Illustrated Children's Picture Book",)),
    ("chinese", "潜水表", ("Automatic Dive Watch 200 m",)),
    ("chinese", "羊绒毛衣", ("Cashmere V-neck Sweater",)),
    ("chinese", "跑鞋", ("Lightweight Running Shoes", "Trail Running Shoes")),
    ("chinese", "积木", BLOCKS),
    ("chinese", "铸铁锅", ("Pre-seasoned Cast-iron Skillet", "Enamelled Cast-iron Dutch Oven")),
    ("chinese", "抹茶", ("Ceremonial Grade Matcha",)),
    ("chinese", "猫粮", CAT_FOOD),
    ("chinese", "瑜伽垫", YOGA_MATS),
    ("chinese", "网球拍", ("Graphite Tennis Racket",)),
    ("chinese", "茶", TEAS),
    # pinyin, in full
    ("pinyin", "weishengsu", VITAMINS),
    ("pinyin", "wei sheng su", VITAMINS),
    ("pinyin", "yishengjun", ("Probiotic 50 Billion CFU Capsules",)),
    ("pinyin", "fangshaishuang", ("Mineral Sunscreen SPF 50",)),
    ("pinyin", "kouhong", ("Satin Lipstick",)),
    ("pinyin", "maoliang", CAT_FOOD),
    ("pinyin", "yujiadian", YOGA_MATS),
    ("pinyin", "kafeidou", COFFEE_BEANS),
    # pinyin initials
    ("initials", "wss", VITAMINS),
    ("initials", "jydb", ("Marine Collagen Peptides Powder",)),
    ("initials", "yjd", YOGA_MATS),
    ("initials", "fss", ("Mineral Sunscreen SPF 50",)),
    # English
    ("english", "vitamin d3", ("Vitamin D3 2000 IU Softgels",)),
    ("english", "fish oil", ("Omega-3 Fish Oil 1000 mg",)),
    ("english", "probiotics", ("Probiotic 50 Billion CFU Capsules",)),
    ("english", "sunscreen", ("Mineral Sunscreen SPF 50",)),
    ("english", "lipstick", ("Satin Lipstick",)),
    ("english", "picture book", ("Illustrated Children's Picture Book",)),
    ("english", "dive watch", ("Automatic Dive Watch 200 m",)),
    ("english", "cashmere sweater", ("Cashmere V-neck Sweater",)),
    ("english", "running shoes", ("Lightweight Running Shoes", "Trail Running Shoes")),
    ("english", "teddy bear", ("Plush Teddy Bear",)),
    ("english", "dutch oven", ("Enamelled Cast-iron Dutch Oven",)),
    ("english", "espresso", ("House Espresso Blend",)),
    ("english", "cat food", CAT_FOOD),
    ("english", "yoga mat", YOGA_MATS),
    # traditional characters
    ("traditional", "維生素", VITAMINS),
    ("traditional", "魚油", FISH_OILS),
    ("traditional", "嬰兒奶粉", ("Stage 1 Infant Formula 800 g",)),
    ("traditional", "積木", BLOCKS),
    ("traditional", "貓糧", CAT_FOOD),
    ("traditional", "網球拍", ("Graphite Tennis Racket",)),
    ("traditional", "瑜伽墊", YOGA_MATS),
    # misspelt
    (
        "misspelt",
        "vitamn",
        (*VITAMINS, "Lutein & Zeaxanthin Softgels", "15% Vitamin C Brightening Serum"),
    ),
    ("misspelt", "probiotc", ("Probiotic 50 Billion CFU Capsules",)),
    ("misspelt", "sunscren", ("Mineral Sunscreen SPF 50",)),
    ("misspelt", "lipstik", ("Satin Lipstick",)),
    ("misspelt", "cashmre sweater", ("Cashmere V-neck Sweater",)),
    ("misspelt", "tenis racket", ("Graphite Tennis Racket",)),
    ("misspelt", "expresso", ("House Espresso Blend",)),
    ("misspelt", "colagen", ("Marine Collagen Peptides Powder",)),
    ("misspelt", "yoga matt", YOGA_MATS),
    # cross-lingual: Chinese queries, listings with English text only
    ("cross-lingual", "褪黑素", ("Melatonin Sleep Gummies",)),
    ("cross-lingual", "眼霜", ("Retinol Eye Cream",)),
    ("cross-lingual", "面膜", ("Sheet Face Masks, 10 Pack",)),
    ("cross-lingual", "涂色书", ("Adult Colouring Book",)),
    ("cross-lingual", "智能手表", ("Smart Fitness Watch",)),
    ("cross-lingual", "雨衣", ("Rain Jacket",)),
    ("cross-lingual", "羽绒服", ("Packable Down Jacket",)),
    ("cross-lingual", "足球鞋", ("Leather Football Boots",)),
    ("cross-lingual", "遥控车", ("Remote Control Off-road Car",)),
    ("cross-lingual", "饭盒", ("Stainless Steel Lunch Box",)),
    ("cross-lingual", "保温杯", ("Insulated Water Bottle",)),
    ("cross-lingual", "热巧克力", ("Hot Chocolate Powder",)),
    ("cross-lingual", "鱼饲料", ("Aquarium Fish Flakes",)),
    ("cross-lingual", "泳镜", ("Anti-fog Swimming Goggles",)),
    ("cross-lingual", "自行车头盔", ("Bicycle Helmet",)),
    ("cross-lingual", "无乳糖奶粉", ("Lactose-free Infant Formula 800 g",)),
)
