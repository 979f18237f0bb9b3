"""The search core: what a search means and what it answers, with no web framework in it.

* `query`: the search box syntax read into terms and clauses;
* `results`: a search request and everything its answer holds (hits, facet counts);
* `facets`: the one table of facets (what a search can be narrowed by);
* `highlight`: where the terms match in a text, as character spans;
* `backend`: the interface every backend implements, and `open_backend`;
* `embedded/`: the default backend, an index on this machine's disk.

The web app (`search_app`) and the command line (`notice-index search`) call a
`Backend` and render what it returns; neither knows which backend runs.
"""
