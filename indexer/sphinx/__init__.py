"""Loading the index into a cluster of Sphinx (or Manticore) `searchd` nodes, and running local clusters.

`tokens` turns folded text into what the nodes index, `layout` names the
tables and writes each node's configuration, `nodes` talks SphinxQL to them,
`versions` reads and writes which version of the shards is live, `load` fills
a new version and switches to it, `cluster` runs local nodes for trials and
tests. The search side is `search_core.sphinx`.
"""
