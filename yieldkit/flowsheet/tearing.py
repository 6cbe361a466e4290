"""Recycle detection and tear-stream selection on the unit graph (networkx)."""

from __future__ import annotations

import functools
import itertools

import networkx as nx

from yieldkit.errors import SpecificationError, unknown_name

EXACT_LIMIT = 20000  # subsets tried by the exact minimum-tear search before going greedy


def loops(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Units in recycle loops, one list per strongly connected component, in run order."""
    cond = nx.condensation(graph)
    out = []
    for c in nx.topological_sort(cond):
        members = sorted(cond.nodes[c]["members"])
        if len(members) > 1 or graph.has_edge(members[0], members[0]):
            out.append(members)
    return out


def _is_acyclic_without(sub: nx.MultiDiGraph, removed: set) -> bool:
    return _acyclic(list(sub.nodes), list(sub.edges(keys=True)), removed)


def _acyclic(nodes: list, edges: list, removed: set) -> bool:
    """Whether the graph of ``edges`` (u, v, key) less the keys in ``removed`` has no cycle
    (Kahn's algorithm: repeatedly drop nodes without incoming edges)."""
    indeg = dict.fromkeys(nodes, 0)
    out: dict = {n: [] for n in nodes}
    for u, v, k in edges:
        if k not in removed:
            indeg[v] += 1
            out[u].append(v)
    ready = [n for n, d in indeg.items() if d == 0]
    seen = 0
    while ready:
        n = ready.pop()
        seen += 1
        for v in out[n]:
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
    return seen == len(indeg)


def choose_tears(sub: nx.MultiDiGraph) -> list[str]:
    """Fewest streams (edge keys) whose removal breaks every cycle of ``sub``.

    Exact search by increasing set size while the number of subsets stays below
    ``EXACT_LIMIT``; beyond that a greedy choice (the stream in most simple cycles first).
    Ties go to the stream listed first, so the choice is reproducible. Remembered per
    graph (its nodes and edges): a sweep that rebuilds the same route searches once
    (coal-refuse-uky: 8 ms of a ~220 ms solve, 2026-12-06).
    """
    return list(_choose_tears(tuple(sub.nodes), tuple(sub.edges(keys=True))))


@functools.lru_cache(maxsize=256)
def _choose_tears(nodes: tuple, triples: tuple) -> tuple[str, ...]:
    """:func:`choose_tears` of the graph with these nodes and (source, sink, key) edges."""
    nodes, triples = list(nodes), list(triples)
    edges = sorted(k for _, _, k in triples)
    total = 0
    for size in range(1, len(edges) + 1):
        total += _n_choose_k(len(edges), size)
        if total > EXACT_LIMIT:
            break
        for combo in itertools.combinations(edges, size):
            if _acyclic(nodes, triples, set(combo)):
                return combo
    sub = nx.MultiDiGraph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(triples)
    return tuple(_greedy_tears(sub))


def _greedy_tears(sub: nx.MultiDiGraph) -> list[str]:
    removed: set = set()
    while not _is_acyclic_without(sub, removed):
        g = nx.MultiDiGraph()
        g.add_edges_from((u, v, k) for u, v, k in sub.edges(keys=True) if k not in removed)
        counts: dict[str, int] = {}
        for cycle in itertools.islice(nx.simple_cycles(nx.DiGraph(g)), 2000):
            for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True):
                for k in g.get_edge_data(u, v):
                    counts[k] = counts.get(k, 0) + 1
        removed.add(max(sorted(counts), key=lambda k: counts[k]))
    return sorted(removed)


def check_user_tears(sub: nx.MultiDiGraph, tears: list[str], all_streams) -> list[str]:
    """Validate user-chosen tears for one loop: known names that break every cycle."""
    for t in tears:
        if t not in all_streams:
            raise SpecificationError(unknown_name("tear stream", t, all_streams))
    inside = [k for _, _, k in sub.edges(keys=True)]
    mine = [t for t in tears if t in inside]
    if not _is_acyclic_without(sub, set(mine)):
        raise SpecificationError(
            f"tear streams {tears} do not break every cycle of the loop {sorted(sub.nodes)}; "
            f"streams in that loop: {sorted(inside)}."
        )
    return mine


def run_order(sub: nx.MultiDiGraph, tears: list[str]) -> list[str]:
    """Order in which to run the units of a loop once its tears are cut."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(sub.nodes)
    g.add_edges_from((u, v, k) for u, v, k in sub.edges(keys=True) if k not in set(tears))
    return list(nx.lexicographical_topological_sort(g))


def _n_choose_k(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)
