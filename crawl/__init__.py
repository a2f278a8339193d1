"""The crawler: agencies' annual-report columns (政府信息公开工作年度报告) fetched politely into the
landing directory (contract §5).

Modules, one job each:

- :mod:`crawl.config`: the portals of ``CRAWL_CONFIG`` (YAML) and the ``CRAWL_*`` settings;
- :mod:`crawl.fetch`: HTTP with robots.txt, allowed hosts, a delay per host, retries that honour
  ``Retry-After``, redirects with loops detected, timeouts, a size cap and conditional requests;
- :mod:`crawl.links`: what a page links to: listing pages and their pagination, reports, attachments;
- :mod:`crawl.store`: files and sidecars written under ``<landing>/<portal>/``, never overwritten,
  and the state file that makes a second crawl conditional and a killed one resumable;
- :mod:`crawl.run`: one crawl of every portal, and the ``python -m crawl`` command.
"""
