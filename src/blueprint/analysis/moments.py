"""Peak and end moments (the peak–end rule).

People remember an experience mostly by its most intense moment and by its
end. The end is the last customer action of a journey (one per end when the
branches end differently); the peak is the customer action with the most
intense emotion, the largest |emotion|. When the best and the worst moment
are equally intense, the worst counts as the peak: bad moments weigh more.
"""

from __future__ import annotations

from blueprint.analysis.findings import EndMoment


def _peak(steps, emotion, rank):
    """The most intense of ``steps`` (ids with an emotion), worst first on ties, then flow order."""
    return min(steps, key=lambda n: (-abs(emotion[n]), emotion[n], rank[n]), default=None)


def moments(a) -> None:
    """Fill the peak–end fields of the analysis ``a``."""
    st, bp = a.structure, a.bp
    rank = st.rank
    a.ends = list(st.customer_ends)
    emotion = {n: bp.by_id[n].emotion for n in st.customer_steps if bp.by_id[n].emotion is not None}
    a.no_emotion = [n for n in st.customer_steps if n not in emotion]
    a.emotions_missing = not emotion
    if emotion:
        ids = list(emotion)  # flow order
        a.best = max(ids, key=lambda n: (emotion[n], -rank[n]))
        a.worst = min(ids, key=lambda n: (emotion[n], rank[n]))
        a.peak = _peak(ids, emotion, rank)
        a.peaks = [a.peak]
        other = a.worst if a.peak == a.best else a.best
        if emotion[a.best] > 0 > emotion[a.worst] and other not in a.peaks:
            a.peaks.append(other)
        a.mean_emotion = sum(emotion.values()) / len(emotion)

    # each end with the journeys that lead to it (through any flow, loops included)
    preds: dict = {n: [] for n in st.customer_steps}
    for c, nxt in st.customer_next_all.items():
        for d in nxt:
            preds[d].append(c)
    scores = []
    for end in a.ends:
        seen, stack = {end}, [end]
        while stack:
            for p in preds[stack.pop()]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        on_way = sorted((n for n in seen if n in emotion), key=rank.__getitem__)
        peak = _peak(on_way, emotion, rank)
        e = emotion.get(end)
        score = (emotion[peak] + e) / 2 if peak is not None and e is not None else None
        if score is not None:
            scores.append(score)
        others = min((emotion[n] for n in on_way if n != end), default=None)
        a.end_moments.append(
            EndMoment(
                end,
                e,
                peak,
                emotion[peak] if peak is not None else None,
                score,
                negative=e is not None and e < 0,
                worst=e is not None and others is not None and e < others,
            )
        )
    a.peak_end_score = min(scores) if scores else None
