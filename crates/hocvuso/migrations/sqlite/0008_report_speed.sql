-- The drill-down's running totals read, for every child unit, one metric's 'all' cells over a range of
-- periods. The primary key orders periods before metrics and breakdowns, so that range walked every
-- breakdown of every metric (PostgreSQL chose a full scan of stat_agg at province scale: 0.5 s). This
-- partial index holds only the 'all' cells, ordered for exactly that read. n and total are not in it,
-- so the aggregator's updates of those never touch it.
CREATE INDEX stat_agg_all_idx ON stat_agg (unit_code, grain, metric, period) WHERE dim = 'all';
