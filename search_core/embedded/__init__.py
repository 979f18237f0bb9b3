"""The embedded backend: an index folder on this machine's disk, searched from memory-mapped arrays.

* `engine`: `EmbeddedBackend`, the `Backend` over the live generation;
* `snapshot`: one generation loaded: catalog, per-document codes, fixed orders;
* `segment`: one Whoosh segment's side-car arrays, as read at query time;
* `matching`: exact substrings through the positional bigram index;
* `ranking`: BM25 from the arrays, heading and title boosts, top k;
* `counting`: facet values, selections and counts per kind of facet;
* `pagecache`: keeping the arrays in the page cache.
"""
