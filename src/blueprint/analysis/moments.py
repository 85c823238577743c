"""Peak and end moments (the peak–end rule).

People remember an experience mostly by its most intense moment and by its
end. The end is the last customer action of a journey (one per end when the
branches end differently); the peak is the customer action with the most
intense emotion: the farthest from the middle of the blueprint's
``emotion_scale`` (0 on the default -2..+2), on either side. When the best and
the worst moment are equally intense, the worst counts as the peak (bad
moments weigh more); when two moments are equally intense and equally felt,
the earlier one in the flow. Scores are on the blueprint's own scale.

The best and the worst moment exist only when the emotions differ: a journey
felt the same everywhere (all neutral, say) has neither.
"""

from __future__ import annotations

from blueprint.analysis.findings import EndMoment


def _peak(steps, emotion, rank, mid: float = 0.0):
    """The most intense of ``steps`` (ids with an emotion): the farthest from ``mid``,
    worst first on ties, then flow order."""
    return min(steps, key=lambda n: (-abs(emotion[n] - mid), emotion[n], rank[n]), default=None)


def moments(a) -> None:
    """Fill the peak–end fields of the analysis ``a``."""
    st, bp = a.structure, a.bp
    rank = st.rank
    a.ends = list(st.customer_ends)
    emotion = {n: bp.by_id[n].emotion for n in st.customer_steps if bp.by_id[n].emotion is not None}
    a.no_emotion = [n for n in st.customer_steps if n not in emotion]
    a.emotions_missing = not emotion
    mid = bp.emotion_scale.mid
    if emotion:
        ids = list(emotion)  # flow order
        best = max(ids, key=lambda n: (emotion[n], -rank[n]))
        worst = min(ids, key=lambda n: (emotion[n], rank[n]))
        a.peak = _peak(ids, emotion, rank, mid)
        a.peaks = [a.peak]
        if emotion[best] > emotion[worst]:  # a journey felt the same everywhere has neither
            a.best, a.worst = best, worst
            other = worst if a.peak == best else best
            if emotion[best] > mid > emotion[worst] and other not in a.peaks:
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
        peak = _peak(on_way, emotion, rank, mid)
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
                negative=e is not None and e < mid,
                worst=e is not None and others is not None and e < others,
            )
        )
    a.peak_end_score = min(scores) if scores else None
