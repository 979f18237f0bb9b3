"""The tables every node holds, and each node's configuration file.

Sphinx 2.2 declares real-time tables in its configuration (it has no CREATE
TABLE), so every table a version needs is declared twice, in two slots `a` and
`b`: a load fills the slot that is not live while the other serves
(`indexer.sphinx.versions`). Per slot, each node holds:

* `paragraphs_<slot>`: its shard of the paragraphs (sharded by notice: a
  stable hash of the notice id), with the n-gram fields the matching reads
  (`text`, `headings`, `title`, `issuer`), the jieba-word fields ranking reads
  (`words`, `heading_words`, `title_words`), and as attributes the notice key,
  paragraph number, facet codes (category; the paragraph's set of roles as
  one code, since an MVA is sorted and would lose the primary role; problem
  types as an MVA) and the text as written (`display`);
* `all_paragraphs_<slot>`: the distributed table queries go to: this node's
  shard locally, every other node's as an agent;
* `notices_<slot>`: its shard of the notices: catalog entry and the parser's JSON (compressed:
  nodes keep string attributes in memory);
* `words_<slot>`: how many of its paragraphs hold each jieba word (for
  did-you-mean and completions);
* `facet_values_<slot>`: the codes of the paragraph facets (the same on every node);

and one `state` table saying which version each slot holds.

Ports: node i of a cluster made by `notice-index cluster init` listens for
SphinxQL (the MySQL protocol, what clients use) on port base + 2i and for the
binary API (what agents of a distributed table use) on base + 2i + 1.
"""

import json
from pathlib import Path

from .tokens import CHARSET_TABLE, NGRAM_CHARS

#: What a version's rows mean (recorded in its info): a server refuses a version of another format, and an update
#: of one loads everything. 2: a paragraph's `role` codes its set of roles (`role_label`), not one role.
FORMAT = 2
SLOTS = ("a", "b")
STATE = "state"
#: Fields of a paragraph row, in the order the loader writes them.
TEXT_FIELDS = ("text", "headings", "title", "issuer")
WORD_FIELDS = ("words", "heading_words", "title_words")


def paragraphs(slot):
    return f"paragraphs_{slot}"


def all_paragraphs(slot):
    return f"all_paragraphs_{slot}"


def notices(slot):
    return f"notices_{slot}"


def words(slot):
    return f"words_{slot}"


def facet_values(slot):
    return f"facet_values_{slot}"


def role_label(roles):
    """The label of a combination of paragraph roles in `facet_values`: a JSON list, the primary role first."""
    return json.dumps(list(roles), ensure_ascii=False)


def roles_of(label):
    """The roles of a combination's label (`role_label`)."""
    return tuple(json.loads(label))


def local_tables(slot):
    """The real-time tables of one slot on one node, emptied before a load."""
    return (paragraphs(slot), notices(slot), words(slot), facet_values(slot))


def _rt(name, data, fields, attributes, text=False):
    lines = [f"index {name}", "{", "    type = rt", f"    path = {data / name}"]
    lines += [f"    rt_field = {f}" for f in fields]
    lines += [f"    {kind} = {attr}" for kind, attr in attributes]
    lines += ["    rt_mem_limit = 256M", "    dict = keywords"]
    if text:
        lines += [f"    charset_table = {CHARSET_TABLE}", "    ngram_len = 1", f"    ngram_chars = {NGRAM_CHARS}"]
    return "\n".join(lines + ["}", ""])


def node_config(index, hosts, api_ports, sql_ports, folder, listen_host=None):
    """The configuration of node `index` of a cluster: its tables, its distributed tables, its searchd section.

    `hosts`, `api_ports` and `sql_ports` list every node in order; `folder` is
    where this node keeps its data, log and process id.
    """
    folder = Path(folder)
    data = folder / "data"
    parts = []
    for slot in SLOTS:
        parts.append(_rt(paragraphs(slot), data, TEXT_FIELDS + WORD_FIELDS,
                         [("rt_attr_bigint", "notice"), ("rt_attr_uint", "n"), ("rt_attr_uint", "category"),
                          ("rt_attr_uint", "role"), ("rt_attr_multi", "types"), ("rt_attr_string", "display")],
                         text=True))
        agents = [f"    agent = {hosts[j]}:{api_ports[j]}:{paragraphs(slot)}" for j in range(len(hosts)) if j != index]
        parts.append("\n".join([f"index {all_paragraphs(slot)}", "{", "    type = distributed",
                                f"    local = {paragraphs(slot)}", *agents,
                                "    agent_connect_timeout = 1000", "    agent_query_timeout = 120000", "}", ""]))
        parts.append(_rt(notices(slot), data, ("title",), [("rt_attr_string", "entry"), ("rt_attr_string", "notice")]))
        parts.append(_rt(words(slot), data, ("word",), [("rt_attr_string", "value"), ("rt_attr_uint", "paragraphs")]))
        parts.append(_rt(facet_values(slot), data, ("value",),
                         [("rt_attr_string", "kind"), ("rt_attr_uint", "code"), ("rt_attr_string", "label")]))
    parts.append(_rt(STATE, data, ("note",),
                     [("rt_attr_uint", "slot"), ("rt_attr_uint", "generation"), ("rt_attr_uint", "complete"),
                      ("rt_attr_uint", "shard"), ("rt_attr_uint", "shards"), ("rt_attr_uint", "paragraphs"),
                      ("rt_attr_uint", "notices"), ("rt_attr_string", "token"), ("rt_attr_string", "info")]))
    host = listen_host or hosts[index]
    parts.append("\n".join([
        "searchd", "{",
        f"    listen = {host}:{sql_ports[index]}:mysql41",
        f"    listen = {host}:{api_ports[index]}",
        f"    log = {folder / 'searchd.log'}",
        f"    pid_file = {folder / 'searchd.pid'}",
        f"    binlog_path = {data}",
        "    workers = threads",
        "    dist_threads = 4",
        "    max_packet_size = 128M",
        "    read_timeout = 30",
        "    client_timeout = 300",
        "    seamless_rotate = 0",
        "    preopen_indexes = 1",
        "}", ""]))
    return "\n".join(parts)
