"""What the search core returns, as people read it: matches marked, codes spelled out.

The core answers with plain data (a hit's text and the character spans where
the query matches); the markup and the labels a page shows are decided here,
once, for the templates and the JSON API alike.
"""

import html

from markupsafe import Markup

#: How facet values read where they are codes: {facet name: {value: label}}.
VALUE_LABELS = {"level": {"中央": "中央", "省": "省级", "市": "市级", "县": "县级"}}
#: Which date a notice is listed under (`indexer.notice.DATE_KINDS`), as a hit says it.
#: The kinds of original file (`indexer.readers.kinds`), as a download link names them.
MEDIA_LABELS = {"text/plain": "文本", "text/html": "网页", "application/pdf": "PDF",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
                "application/msword": "Word 97", "image/png": "扫描图片", "image/jpeg": "扫描图片",
                "image/tiff": "扫描图片"}
DATE_KIND_LABELS = {"published": "发布", "feedback": "反馈", "inspection_end": "巡察结束", "inspection_start": "巡察开始"}


def marked(text, spans, cut=(False, False)):
    """HTML of `text` with each (start, end) span in <mark>; everything else escaped; `cut` ends marked with …."""
    out, last = ["…" if cut[0] else ""], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        last = end
    out.append(html.escape(text[last:]))
    out.append("…" if cut[1] else "")
    return Markup("".join(out))


def value_label(facet, value, label=None):
    """How a facet value reads to a person: a level as 县级; otherwise `label` (a notice's title) or the value."""
    return VALUE_LABELS.get(facet, {}).get(value, label if label is not None else value)


def place(*parts):
    """A place as it reads, each level once: 吉林省长春市二道区 (a municipality is not repeated as its city)."""
    return "".join(dict.fromkeys(p for p in parts if p))


def register(app):
    """Make the labels available to templates as filters: {{ notice.level|level_label }}, {{ kind|date_kind_label }}."""
    app.add_template_filter(lambda value: value_label("level", value), "level_label")
    app.add_template_filter(lambda kind: DATE_KIND_LABELS.get(kind, ""), "date_kind_label")
    app.add_template_filter(lambda media_type: MEDIA_LABELS.get(media_type or "text/plain", "文件"), "media_label")
