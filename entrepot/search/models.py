"""What search stores: one document per published listing, shared embeddings, and the
vocabulary of latin-script terms (for correcting misspelt queries).

The full-text index itself is not a model: on SQLite it is the FTS5 table
`search_fts`, kept in step with `search_document` by triggers; on PostgreSQL it is
the generated `search_vector` column of `search_document` with a GIN index. Both are
created by migration 0002, only on their own database. A later migration that
rebuilds `search_document` on SQLite (Django copies the table to alter a column) must
create the triggers again.
"""

from django.db import models

from entrepot.catalog.models import MONEY, Category, Product
from entrepot.sellers.models import Seller


class SearchEmbedding(models.Model):
    """A multilingual-e5 embedding of one text, shared by every listing with that text.

    `key` is `domain.search.analysis.embedding_key(text)`; rows are never changed, so
    a process's semantic index only ever adds the rows it has not seen.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=40, unique=True)
    # 384 float16 values, little-endian, L2-normalised: 768 bytes
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "search_embedding"

    def __str__(self) -> str:
        return self.key


class SearchDocument(models.Model):
    """The searchable form of one published listing.

    Written by `search.services.index_products` in the transaction that changes the
    listing; the columns facets and sorts read are copied here so that a search reads
    one table. The embedding follows later (a task): until then `embedding_stale` is
    set and the previous embedding, if any, stays in use.
    """

    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    origin_country = models.CharField(max_length=2)
    price_amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    listed_at = models.DateTimeField()
    # what the listing is, without brand or marketing tags (suggestions, embedding text)
    name_en = models.CharField(max_length=200, blank=True)
    name_zh = models.CharField(max_length=200, blank=True)
    # analysed terms, space-separated, per weighted field (see domain.search.analysis)
    title_terms = models.TextField(blank=True)
    extra_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    embedding_key = models.CharField(max_length=40)
    embedding = models.ForeignKey(
        SearchEmbedding, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    embedding_stale = models.BooleanField(default=True)
    indexed_at = models.DateTimeField()

    class Meta:
        db_table = "search_document"
        indexes = [
            # a semantic hit -> the newest listings sharing that embedding
            models.Index(fields=["embedding", "-product"], name="search_doc_embedding_idx"),
            # the embedding task's queue
            models.Index(
                fields=["product"],
                condition=models.Q(embedding_stale=True),
                name="search_doc_stale_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"search document of product {self.product_id}"


class SearchTerm(models.Model):
    """A latin-script term of the index (English stem, pinyin, initials).

    Added by indexing, never removed by it (`search_reindex --full` rebuilds the
    list): a term without listings only means a misspelling is not corrected to it.
    """

    term = models.CharField(max_length=64, primary_key=True)

    class Meta:
        db_table = "search_term"

    def __str__(self) -> str:
        return self.term
