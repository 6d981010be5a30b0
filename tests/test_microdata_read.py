"""Survey microdata files: what is read, the Likert rule, and one-line refusals of bad files that
name file, row and column without quoting a cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config import validate_config
from sim.microdata import MicrodataError, likert_to_unit, read_survey, unit_to_likert

HEADER = "id,age_group,interest,efficacy,trust,capacity,online"
GOOD = [HEADER, "a1,1,5,4,3,2,1", "a2,3,1,2,,1,0", "a3,2,3,3,4,3,"]


def write(tmp_path, lines, name="survey.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def refusal(path) -> str:
    with pytest.raises(MicrodataError) as info:
        read_survey(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_likert_rule_centres_of_fifths_and_inverse():
    assert likert_to_unit(np.array([1, 2, 3, 4, 5])).tolist() == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])
    assert likert_to_unit(np.array([2.5])).tolist() == pytest.approx([0.4])  # averaged scale score
    x = np.array([0.0, 0.19, 0.2, 0.5, 0.99, 1.0])
    assert unit_to_likert(x).tolist() == [1, 1, 2, 3, 5, 5]
    assert (unit_to_likert(likert_to_unit(np.arange(1, 6))) == np.arange(1, 6)).all()


def test_reads_answers_on_model_scales_with_missing_as_nan(tmp_path):
    t = read_survey(write(tmp_path, GOOD)).table
    assert t["interest"].tolist() == pytest.approx([0.9, 0.1, 0.5])
    assert np.isnan(t["trust"][1]) and np.isnan(t["online"][2])
    assert t["age_group"].tolist() == [0, 2, 1]  # codes 1-3 -> young, middle, elderly
    assert t["weight"].tolist() == [1.0, 1.0, 1.0]
    assert t["satisfaction"].isna().all()  # an optional column not asked


def test_parquet_reads_like_csv(tmp_path):
    csv = read_survey(write(tmp_path, GOOD)).table
    frame = pd.read_csv(tmp_path / "survey.csv", dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "survey.parquet")
    pq = read_survey(tmp_path / "survey.parquet").table
    pd.testing.assert_frame_equal(csv, pq)


def test_gb18030_file_with_chinese_ids_is_read(tmp_path):
    lines = [HEADER, "张三,1,5,4,3,2,1", "李四,2,3,3,3,3,0"]
    path = write(tmp_path, lines, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert read_survey(path).table["interest"].tolist() == pytest.approx([0.9, 0.5])


def test_utf8_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(GOOD) + "\n").encode())
    assert read_survey(path).n == 3


def test_undecodable_file_is_refused(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"id,age\n\x81\x30\xff\xff\n")
    assert "neither UTF-8 nor GB18030" in refusal(path)


@pytest.mark.parametrize("lines, row, column, problem", [
    ([HEADER + ",shoe_size", "a1,1,5,4,3,2,1,42"], None, "8 ('shoe_size')", "unknown column"),
    (["id,age_group,interest,efficacy,trust,online", "a1,1,5,4,3,1"], None, "capacity", "missing column"),
    ([*GOOD, "a4,2,6,3,3,3,1"], 4, "interest", "out of range"),
    ([*GOOD, "a4,2,0,3,3,3,1"], 4, "interest", "out of range"),
    ([*GOOD, "a4,4,3,3,3,3,1"], 4, "age_group", "out of range"),
    ([*GOOD, "a4,2,3,3,3,3,2"], 4, "online", "out of range"),
    ([*GOOD, "a4,2,3,secret,3,3,1"], 4, "efficacy", "not a number"),
    ([*GOOD, "a2,2,3,3,3,3,1"], 4, "id", "duplicate id (same as row 2)"),
    ([*GOOD, ",2,3,3,3,3,1"], 4, "id", "empty id"),
    ([HEADER + ",weight", "a1,1,5,4,3,2,1,2", "a2,1,5,4,3,2,1,-1"], 2, "weight", "must be a number > 0"),
    ([HEADER + ",weight", "a1,1,5,4,3,2,1,2", "a2,1,5,4,3,2,1,"], 2, "weight", "must be a number > 0"),
    ([HEADER + ",courtyard", "a1,1,5,4,3,2,1,2.5"], 1, "courtyard", "out of range"),
    ([HEADER + ",courtyard", "a1,1,5,4,3,2,1,2", "a2,1,5,4,3,2,1,"], 2, "courtyard", "empty courtyard"),
    ([HEADER + ",cooperation", "a1,1,5,4,3,2,1,3"], 1, "cooperation", "out of range"),
    ([HEADER], None, None, "no respondents"),
])
def test_bad_file_refused_naming_row_and_column(tmp_path, lines, row, column, problem):
    message = refusal(write(tmp_path, lines))
    assert problem in message
    if row is not None:
        assert f"row {row}," in message
    if column is not None:
        assert f"column {column}" in message


def test_refusal_never_echoes_cell_contents(tmp_path):
    message = refusal(write(tmp_path, [*GOOD, "a4,2,3,PRIVATE-ANSWER,3,3,1"]))
    assert "PRIVATE-ANSWER" not in message
    message = refusal(write(tmp_path, [*GOOD, "a4,2,3,3,3,3,1,EXTRA-CELL"]))
    assert "EXTRA-CELL" not in message


def test_non_csv_and_missing_file(tmp_path):
    (tmp_path / "survey.xlsx").write_bytes(b"PK")
    assert "must be a .csv or .parquet" in refusal(tmp_path / "survey.xlsx")
    assert "file not found" in refusal(tmp_path / "nope.csv")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    assert "not a readable Parquet file" in refusal(broken)


def test_config_validation_refuses_bad_file_before_running(tmp_path):
    path = write(tmp_path, [*GOOD, "a4,2,9,3,3,3,1"])
    with pytest.raises(MicrodataError, match="row 4, column interest"):
        validate_config({"community": {"residents": str(path)}})


def test_parquet_with_typed_columns(tmp_path):
    frame = pd.DataFrame({"id": [10, 11], "age_group": [1, 3], "interest": [5.0, None], "efficacy": [1, 2],
                          "trust": [3, 3], "capacity": [2, 2], "online": [True, False]})
    frame.to_parquet(tmp_path / "typed.parquet")
    t = read_survey(tmp_path / "typed.parquet").table
    assert t["online"].tolist() == [1.0, 0.0] and np.isnan(t["interest"][1])
    frame.loc[1, "trust"] = 9
    frame.to_parquet(tmp_path / "bad.parquet")
    assert "row 2, column trust: out of range" in refusal(tmp_path / "bad.parquet")
