"""Loads a GraphML export with NetworkX and compares it with the graph JSON of the same graph.

usage: python3 scripts/check_graphml.py GRAPH.graphml GRAPH.json   (needs `pip install networkx`)

Exit 1 when the node or edge counts differ, or a node/edge attribute has the wrong type.
"""
import json
import sys

import networkx as nx

graphml, graph_json = sys.argv[1], sys.argv[2]
g = nx.read_graphml(graphml)
j = json.load(open(graph_json, encoding="utf-8"))
nodes, edges = g.number_of_nodes(), g.number_of_edges()
print(f"networkx: {type(g).__name__} with {nodes} nodes, {edges} edges")
print(f"graph JSON: {len(j['nodes'])} nodes, {len(j['edges'])} edges, {len(j['events'])} events, "
      f"{len(j['documents'])} documents")
bad = []
if (nodes, edges) != (len(j["nodes"]), len(j["edges"])):
    bad.append("counts differ")
for n, d in g.nodes(data=True):
    if not isinstance(d.get("documents"), int) or not isinstance(d.get("label"), str):
        bad.append(f"node {n}: {d}")
        break
for u, v, d in g.edges(data=True):
    if not isinstance(d.get("count"), int) or not isinstance(d.get("directed"), bool):
        bad.append(f"edge {u}-{v}: {d}")
        break
for b in bad:
    print("FAIL", b)
sys.exit(1 if bad else 0)
