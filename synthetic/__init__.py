"""A synthetic corpus of government information disclosure annual reports, with the truth of each.

Modules, one job each:

- :mod:`synthetic.template`: the template's codes and labels (gb2019, gb2021), as data;
- :mod:`synthetic.truth`: the truth of one report (dataclasses) and ``truth.jsonl``;
- :mod:`synthetic.agencies`: real agencies' names built from real GB/T 2260 divisions;
- :mod:`synthetic.values`: an agency's figures year after year, consistent with contract §4,
  with blank cells and publisher errors whose broken identities are known;
- :mod:`synthetic.identities`: the identities evaluated on a truth (the generator's self-check);
- :mod:`synthetic.style`: how a report is printed (shape, page, encoding, script, habits);
- :mod:`synthetic.shapes`: a table grid with spans in the four shapes (HTML, page copy, pipes, Word);
- :mod:`synthetic.tables`: the template's tables of one truth as grids;
- :mod:`synthetic.prose`: the chapters' sentences, stating the truth's prose facts;
- :mod:`synthetic.render`: a truth as the bytes of a real-looking file;
- :mod:`synthetic.plain`: plain row tables for the parser's unit tests;
- :mod:`synthetic.corpus`: the streaming corpus writer behind ``python -m synthetic``.
"""
