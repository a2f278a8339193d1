// Observable Framework (https://observablehq.com/framework/config): the BI site of docs/bi.md.
// Built by `make bi` into bi/build; every asset is self-hosted: no web font, no CDN (the
// default Google Fonts stylesheet is left out), so the site works with no network at all.
export default {
  title: "政府信息公开年报仓库 OGI reports warehouse",
  root: "src",
  output: "build",
  pages: [
    {name: "概览 Overview", path: "/"},
    {name: "依申请公开 Requests", path: "/requests"},
    {name: "发布者错误 Publisher errors", path: "/errors"},
    {name: "报告核验 Report checks", path: "/report"},
    {name: "机关 Agency", path: "/agency"},
    {name: "交易中心 Trading centres", path: "/trading"}
  ],
  globalStylesheets: [],
  style: "style.css",
  footer: "数据来自已发布的快照 Data from the published snapshot (WAREHOUSE_PUBLISH_DIR).",
  search: false,
  pager: false,
  // plain file links (errors.html): the site is served by any static server, python -m http.server too
  cleanUrls: false
};
