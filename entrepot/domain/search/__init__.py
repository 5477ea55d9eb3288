"""Text analysis and ranking for product search: pure Python, no Django.

`text` normalises (NFKC, lower case, traditional -> simplified) and cuts text into
words; `pinyin` spells Chinese words in pinyin and splits typed pinyin into
syllables; `analysis` turns a listing into index terms and a query into a plan of
term groups; `typos` finds the indexed terms nearest a misspelt one; `ranking`
blends keyword and semantic scores and sorts, bands and counts candidates.

The search app (entrepot.search) stores the terms, runs the plan against SQLite
FTS5 or PostgreSQL, and hands the candidates back to `ranking`.
"""
