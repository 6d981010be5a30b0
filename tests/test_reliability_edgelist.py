"""Issue cases 6 and 7 for edge lists: labels are text, read the same way in every file; one number
written two ways, blank cells, repeated or unknown nodes are refused by row; no message quotes
the file."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import validate_config
from sim.network import build_network
from sim.schema import ConfigError

SECRET = "root:$6$s3cr3tHASH:19000:0:99999:7:::"


def _net(tmp_path, ties: str, nodes: str | None = None, n: int = 3):
    path = tmp_path / "ties.csv"
    path.write_text(ties)
    edgelist = {"path": str(path)}
    if nodes is not None:
        (tmp_path / "nodes.csv").write_text(nodes)
        edgelist["nodes_path"] = str(tmp_path / "nodes.csv")
    cfg = validate_config({"community": {"n_residents": n}, "leaders": {"n_initial": 1},
                           "deliberation": {"council_size": 1},
                           "network": {"kind": "edgelist", "edgelist": edgelist}})
    return build_network(cfg, np.random.default_rng(0))


def _refused(tmp_path, ties, nodes=None, n=3) -> ConfigError:
    with pytest.raises(ConfigError) as error:
        _net(tmp_path, ties, nodes, n)
    assert "\n" not in str(error.value)
    return error.value


@pytest.mark.parametrize("ties", ["source,target\n1,2\n2.0,3\n", "source,target\n001,2\n1,3\n",
                                  "source,target\n+4,5\n4,6\n", "source,target\n1.50,2\n1.5,3\n"])
def test_one_number_written_two_ways_is_refused_by_row(tmp_path, ties):
    error = _refused(tmp_path, ties, n=4)
    assert error.key == "network.edgelist.path"
    assert "write the same number two ways" in str(error) and "rows 1 and 2" in str(error)


def test_labels_are_text_everywhere(tmp_path):
    """`07` in the ties and `07` in the nodes file are one resident; courtyards `1` and `01` are not
    mixed up with numbers of another column."""
    net = _net(tmp_path, "source,target\n07,x\nx,y\n", "node,courtyard\n07,A\nx,A\ny,B\n")
    assert net.labels == ["07", "x", "y"]
    assert net.courtyard.tolist() == [0, 0, 1]
    assert net.edges.tolist() == [[0, 1], [1, 2]]


def test_white_space_around_labels_is_ignored(tmp_path):
    net = _net(tmp_path, "source,target\na , b\n b,c\n")
    assert net.labels == ["a", "b", "c"] and len(net.edges) == 2


def test_a_header_only_edge_list_is_refused_without_advising_zero(tmp_path):
    error = _refused(tmp_path, "source,target\n")
    assert "has no ties" in str(error) and "n_residents=0" not in str(error)


def test_the_advised_count_is_right(tmp_path):
    error = _refused(tmp_path, "source,target\na,b\nb,c\nc,d\n", n=3)
    assert error.key == "community.n_residents" and "set community.n_residents=4" in str(error)
    assert len(_net(tmp_path, "source,target\na,b\nb,c\nc,d\n", n=4).labels) == 4


@pytest.mark.parametrize("nodes, words", [
    ("node,courtyard\na,north\nb,\nc,south\n", "row 2 has a blank courtyard cell"),
    ("node,courtyard\na,north\nb,north\na,south\n", "row 3 lists the node of row 1 again"),
    ("node,household\na,1\nb,1.0\nc,2\n", "write the same number two ways in the household column"),
])
def test_bad_nodes_files_are_refused_by_row(tmp_path, nodes, words):
    error = _refused(tmp_path, "source,target\na,b\nb,c\n", nodes)
    assert error.key == "network.edgelist.nodes_path" and words in str(error)


def test_a_tie_to_an_unlisted_node_is_refused_by_row(tmp_path):
    error = _refused(tmp_path, "source,target\na,b\nb,zed\n", "node\na\nb\nc\n")
    assert error.key == "network.edgelist.path" and "row 2 names a node" in str(error) and "zed" not in str(error)


@pytest.mark.parametrize("content", [
    SECRET + "\ndaemon:*:19000:0:99999:7:::\n",       # a password file
    "HOME=/root\0SECRET_TOKEN=" + SECRET + "\0",       # an environment block
    "source,target\n" + SECRET + "," + SECRET + ",x\n",  # a row with a cell too many
    "source,target\na,b\n" + "\xff\xfe" + SECRET,        # not UTF-8 (written as bytes below)
])
def test_messages_never_quote_the_file(tmp_path, content):
    path = tmp_path / "ties.csv"
    path.write_bytes(content.encode("latin-1") if "\xff" in content else content.encode())
    cfg = validate_config({"community": {"n_residents": 3}, "leaders": {"n_initial": 1},
                           "deliberation": {"council_size": 1},
                           "network": {"kind": "edgelist", "edgelist": {"path": str(path)}}})
    with pytest.raises(ConfigError) as error:
        build_network(cfg, np.random.default_rng(0))
    text = str(error.value)
    assert "s3cr3t" not in text and "root" not in text.replace(str(tmp_path), "") and "\n" not in text
