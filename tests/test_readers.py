"""The readers' rules one at a time: which reader a file gets, Word's numbering, page layout, web-page charsets."""

import io

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from indexer import readers
from indexer.readers import kinds, layout
from indexer.readers.numbering import format_number

FORMATS = readers.settings.PROJECT_ROOT / "tests" / "fixtures" / "formats"


# Which reader: the signature first, the name second

@pytest.mark.parametrize("fixture, name, kind", [
    ("003_e27e9ae513fad7e5.docx", "附件.doc", kinds.DOCX),  # a .docx saved as .doc
    ("001_3cbbc2c57dacf04c.doc", "附件.docx", kinds.DOC),
    ("000_770efd74347c2cb3.pdf", "扫描件.txt", kinds.PDF),
    ("002_d6dfadf123e246ba.html", "页面.txt", kinds.HTML),  # a page saved under another name: its tag tells
    ("002_d6dfadf123e246ba.html", "页面.htm", kinds.HTML),
])
def test_the_signature_decides_the_reader_whatever_the_name(fixture, name, kind):
    assert kinds.kind_of((FORMATS / fixture).read_bytes(), name) is kind


@pytest.mark.parametrize("data, name, reason", [
    (b"{\\rtf1\\ansi hello}", "通报.doc", "is an RTF document; open it in Word or LibreOffice and save it as .docx "
                                          "to index it"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "通报.doc",
     "is a web archive (MHT); open it in a browser and save it as a web page (.html) to index it"),
    (b"just some words", "通报.pdf", "is named .pdf but is not such a file (it does not start the way one does); "
                                     "it may be damaged or cut short: download it again"),
])
def test_formats_that_are_not_read_are_refused_with_what_to_do(data, name, reason):
    with pytest.raises(kinds.Refused) as info:
        kinds.kind_of(data, name)
    assert str(info.value) == reason


def test_plain_text_stays_text():
    assert kinds.kind_of("一、整改情况\n".encode("gb18030"), "通报.txt") is kinds.TEXT


# Word's numbering

@pytest.mark.parametrize("number, fmt, shown", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (21, "chineseCounting", "二十一"), (101, "chineseCounting", "一〇一"),
    (101, "chineseCountingThousand", "一百〇一"), (110, "chineseCountingThousand", "一百一十"),
    (12, "chineseLegalSimplified", "壹拾贰"), (3, "decimalEnclosedCircleChinese", "③"),
    (2, "decimalEnclosedFullstop", "⒉"), (2, "decimalEnclosedParen", "⑵"), (3, "ideographTraditional", "丙"),
    (28, "upperLetter", "BB"), (14, "lowerRoman", "xiv"), (7, "decimalZero", "07"), (12, "decimalFullWidth", "１２"),
])
def test_number_formats_show_as_word_shows_them(number, fmt, shown):
    assert format_number(number, fmt) == shown


def numbered_document(levels, paragraphs, nums):
    """A .docx whose abstract list has `levels` [(fmt, text, lvlRestart or "legal")], with w:num elements `nums`
    {numId: startOverrides {ilvl: start}} and paragraphs [(text, numId, ilvl)]."""
    document = docx.Document()
    part = document.part.numbering_part.element
    def restart_of(restart):
        if restart == "legal":
            return "<w:isLgl/>"
        return "" if restart is None else f'<w:lvlRestart w:val="{restart}"/>'

    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{restart_of(restart)}'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>' for i, (fmt, text, restart) in enumerate(levels))
    first_num = part.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    first_num.addprevious(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77">{lvls}</w:abstractNum>'))
    for num_id, starts in nums.items():
        overrides = "".join(f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                            for i, v in starts.items())
        part.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="77"/>'
                              f'{overrides}</w:num>'))
    for text, num_id, ilvl in paragraphs:
        paragraph = document.add_paragraph(text)
        if num_id is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_lines(data, tmp_path):
    path = tmp_path / "n.docx"
    path.write_bytes(data)
    return readers.read(path)[1].text.splitlines()


GONGWEN = [("chineseCounting", "%1、", None), ("chineseCounting", "（%2）", None), ("decimal", "%3.", None)]


def test_levels_count_and_restart_below_a_shallower_level(tmp_path):
    data = numbered_document(GONGWEN, [("总体", 90, 0), ("甲", 90, 1), ("乙", 90, 1), ("细", 90, 2), ("问题", 90, 0),
                                       ("丙", 90, 1), ("细", 90, 2), ("细", 90, 2)], {90: {}})
    assert docx_lines(data, tmp_path) == ["一、总体", "（一）甲", "（二）乙", "1.细", "二、问题", "（一）丙", "1.细", "2.细"]


def test_a_level_that_never_restarts_counts_on(tmp_path):
    levels = [GONGWEN[0], GONGWEN[1], ("decimal", "%3.", 0)]
    data = numbered_document(levels, [("甲", 90, 1), ("细", 90, 2), ("乙", 90, 1), ("细", 90, 2)], {90: {}})
    assert docx_lines(data, tmp_path) == ["（一）甲", "1.细", "（二）乙", "2.细"]


def test_instances_of_one_list_share_its_counters_until_a_start_override(tmp_path):
    data = numbered_document(GONGWEN, [("一", 90, 0), ("二", 91, 0), ("从五起", 92, 0), ("接着", 90, 0),
                                       ("不再重设", 92, 0)], {90: {}, 91: {}, 92: {0: 5}})
    assert docx_lines(data, tmp_path) == ["一、一", "二、二", "五、从五起", "六、接着", "七、不再重设"]


def test_num_id_zero_and_unknown_lists_show_no_number(tmp_path):
    data = numbered_document(GONGWEN, [("无编号", 0, 0), ("未知", 55, 0), ("有", 90, 0)], {90: {}})
    assert docx_lines(data, tmp_path) == ["无编号", "未知", "一、有"]


def test_a_legal_level_shows_every_number_in_decimal(tmp_path):
    paragraphs = [("章", 90, 0), ("节", 90, 1)]
    plain = numbered_document([("chineseCounting", "%1、", None), ("decimal", "%1.%2", None)], paragraphs, {90: {}})
    legal = numbered_document([("chineseCounting", "%1、", None), ("decimal", "%1.%2", "legal")], paragraphs, {90: {}})
    assert docx_lines(plain, tmp_path) == ["一、章", "一.1节"]
    assert docx_lines(legal, tmp_path) == ["一、章", "1.1节"]


def test_tables_text_boxes_and_deleted_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("序号", "问题", "整改情况"), ("1", "台账不全", "已完成")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    frame = document.add_table(rows=1, cols=1)
    frame.rows[0].cells[0].text = "框内第一段"
    frame.rows[0].cells[0].add_paragraph("框内第二段")
    paragraph = document.add_paragraph("保留")
    paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除的字</w:delText>'
                                  '</w:r></w:del>'))
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>插入的字</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'))
    buffer = io.BytesIO()
    document.save(buffer)
    assert docx_lines(buffer.getvalue(), tmp_path) == [
        "前言", "序号 问题 整改情况", "1 台账不全 已完成", "框内第一段", "框内第二段", "保留插入的字"]


# Page layout

def line(text, x0, top, x1=500, size=16):
    return layout.Line(text, x0, x1, top, top + size, size)


def test_running_headers_and_page_numbers_go_and_paragraphs_join_across_pages():
    pages = []
    for n in range(3):
        pages.append(layout.Page(595, 842, [
            line("某某局党组关于巡察整改进展情况的通报", 150, 40, x1=440, size=10),
            line(f"正文第{n}页第一行，接着上一页的句子写下去，", 80, 120),
            line("这一行写满了整整一行的宽度直到右边。", 80, 150),
            line("短的末行。", 80, 180, x1=200),
            line("　新段落缩进开头，", 112, 210),
            line("写到页底也没有写完", 80, 240),
            line(f"— {n + 1} —", 280, 800, x1=320, size=12),
        ]))
    text = layout.paragraphs(pages).splitlines()
    assert not any("通报" in t or "—" in t for t in text)
    assert text[0] == "正文第0页第一行，接着上一页的句子写下去，这一行写满了整整一行的宽度直到右边。短的末行。"
    assert text[1] == "　新段落缩进开头，写到页底也没有写完正文第1页第一行，接着上一页的句子写下去，这一行写满了整整一行的宽度直到右边。短的末行。"


@pytest.mark.parametrize("number", ["— 3 —", "-3-", "第 3 页", "第3页 共12页", "3/12", "Page 3 of 12", "3", "iii"])
def test_page_numbers_in_their_many_forms_go(number):
    page = layout.Page(595, 842, [line("正文只有一段，写在页面中间的位置。", 80, 400, x1=300), line(number, 280, 800, 320, 12)])
    assert layout.paragraphs([page]) == "正文只有一段，写在页面中间的位置。"


def test_a_heading_after_a_sentence_that_filled_its_line_starts_a_paragraph():
    page = layout.Page(595, 842, [line("上一段的最后一句话正好写满了这一行。", 80, 100),
                                  line("（二）第二个问题", 80, 130, x1=250), line("整改情况：已经完成。", 112, 160, x1=300)])
    assert layout.paragraphs([page]).splitlines() == ["上一段的最后一句话正好写满了这一行。", "（二）第二个问题", "整改情况：已经完成。"]


# Web pages

@pytest.mark.parametrize("declared, encoding", [("gb2312", "gb18030"), ("utf-8", "utf-8"), ("GBK", "gbk"),
                                                ("utf-8", "gb18030")])  # the last one declares wrongly
def test_a_page_is_decoded_in_its_charset_or_detected(tmp_path, declared, encoding):
    body = "".join(f"<p>第{i}段：镕基、𬌗、㐀等扩展字都要保留，整改工作按期完成。</p>" for i in range(8))
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}">'
            f"<title>某局关于巡察整改进展情况的通报</title></head><body><div class='content'>{body}</div></body></html>")
    if encoding == "gbk":
        page = page.replace("𬌗、", "").replace("㐀", "")  # GBK has no such characters
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(encoding))
    text = readers.read(path)[1].text
    assert "镕基" in text and "\ufffd" not in text
    assert ("㐀" in text) == (encoding != "gbk")
