"""The Sphinx (or Manticore) backend: the paragraphs sharded over a cluster of searchd nodes.

`shards` asks the nodes which paragraphs hold a string and how they rank,
`snapshot` is one live version as the server holds it (the catalog and each
paragraph's facet codes), `engine` answers searches with the same retrieval,
facet counting and paging as the embedded backend. The write side is
`indexer.sphinx`.
"""
