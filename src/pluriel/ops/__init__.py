"""Operations: Prometheus metrics, structured logs and the crawl scheduler.

``metrics`` and ``logging`` import nothing else from pluriel, so every layer
(web, graphql, aggregator) may call them; ``scheduler`` sits on top, beside
the CLI, and is only imported by it. This package imports none of its
modules itself, so importing ``pluriel.ops.metrics`` never drags the
scheduler (and the aggregator) in.
"""
