import NashraHashing

/// The site's one stylesheet (about 4 KB), served at `/site.css?v=<hash>` and cached for a year: a new version
/// has a new address. Phone first: one column at 360 pixels; cards in a grid and larger headlines on wider
/// screens. Colours come from custom properties, swapped for `prefers-color-scheme: dark`; every text colour
/// keeps at least 4.5:1 contrast on its background (muted grey #595959 on white is 7:1, #b0b0b0 on #121212 is
/// 9:1). Logical properties (`margin-inline-end`, `text-align: start`) so that the layout follows the text's
/// direction.
extension ReaderSite {
    static let stylesheet = """
        :root{--bg:#fff;--fg:#1b1b1b;--muted:#595959;--line:#dedede;--link:#0b4fa8;--brand:#8a1538;--card:#f6f6f7;\
        --mark:#fff0a0;--urgent:#a8201a;--good:#1e6b30}
        @media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#ececec;--muted:#b0b0b0;--line:#333;--link:#8ab4f8;\
        --brand:#f4a3b4;--card:#1d1d1f;--mark:#5a4a00;--urgent:#8f1b16;--good:#7fd08f}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);\
        font:1.0625rem/1.8 "Noto Naskh Arabic","Noto Sans Arabic",Tahoma,"Segoe UI",sans-serif}
        a{color:var(--link);text-underline-offset:.2em}
        a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--link);outline-offset:2px}
        .skip{position:absolute;top:-10rem;inset-inline-start:1rem;z-index:9;background:var(--bg);padding:.4rem .8rem}\
        .skip:focus{top:.5rem}
        .hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
        header.site{border-bottom:3px solid var(--brand)}
        .bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;max-width:72rem;margin:auto;padding:.5rem 1rem}
        .logo{font-size:1.75rem;font-weight:700;color:var(--brand);text-decoration:none;margin-inline-end:auto}
        form.search{display:flex;gap:.4rem;flex:1 1 14rem;max-width:26rem;margin:0}
        input[type=search]{flex:1;width:0;min-width:0;font:inherit;padding:.3rem .7rem;border:1px solid var(--muted);\
        border-radius:.5rem;background:var(--bg);color:var(--fg)}
        button{font:inherit;padding:.3rem .9rem;border:1px solid var(--muted);border-radius:.5rem;background:var(--card);\
        color:var(--fg);cursor:pointer}
        nav.sections{border-top:1px solid var(--line);overflow-x:auto}
        nav.sections ul{display:flex;gap:.25rem;list-style:none;margin:0 auto;padding:0 .5rem;max-width:72rem;\
        white-space:nowrap}
        nav.sections a{display:block;padding:.5rem .6rem;color:var(--fg);text-decoration:none}
        nav.sections a[aria-current]{color:var(--brand);font-weight:700;box-shadow:inset 0 -3px var(--brand)}
        .strip{display:flex;gap:.75rem;align-items:baseline;padding:.4rem 1rem;background:var(--card);\
        border-bottom:1px solid var(--line);overflow:hidden}
        .strip ul{display:flex;min-width:0;gap:1.5rem;list-style:none;margin:0;padding:0;overflow-x:auto;white-space:nowrap}
        .strip .label{font-weight:700;color:var(--brand);flex:none}
        .strip.urgent{background:var(--urgent)}.strip.urgent,.strip.urgent a,.strip.urgent .label{color:#fff}
        main{max-width:72rem;margin:auto;padding:.75rem 1rem 2rem}
        h1{font-size:1.5rem;line-height:1.5;margin:.75rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
        h2 a{color:var(--fg)}
        .meta,figcaption{color:var(--muted);font-size:.9rem}
        .list{list-style:none;margin:0;padding:0}.list li{padding:.55rem 0;border-bottom:1px solid var(--line)}
        .list .meta{display:block}
        .cards{display:grid;gap:1rem;list-style:none;margin:0;padding:0}
        .card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;overflow:hidden}
        .card img{display:block;width:100%;aspect-ratio:16/9;object-fit:cover;background:var(--line)}
        .card .text{padding:.6rem .9rem}.card h3{font-size:1.1rem;line-height:1.6;margin:0 0 .25rem}
        .card h3 a{color:var(--fg);text-decoration:none}.card h3 a:hover{text-decoration:underline}
        .count{display:inline-block;padding:0 .55rem;border-radius:1rem;background:var(--brand);color:var(--bg);\
        font-size:.85rem;font-weight:700}
        .blocks{display:grid;gap:0 1.5rem}
        .pager{display:flex;justify-content:space-between;margin:1rem 0}
        .kicker{margin:.5rem 0 0;color:var(--brand);font-weight:700}
        img.lead,article img{display:block;max-width:100%;height:auto;border-radius:.5rem}
        figure{margin:1rem 0}.byline,.coverage{margin:.25rem 0}.coverage a{font-weight:700}
        .original{margin:1.5rem 0;font-weight:700}
        mark{background:var(--mark);color:inherit}time{white-space:nowrap}
        table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}td,th{padding:.4rem .6rem;border-bottom:1px solid var(--line);\
        text-align:start}
        .bad{color:var(--urgent);font-weight:700}.good{color:var(--good)}
        @media (prefers-color-scheme:dark){.bad{color:#ff9a93}}
        footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;text-align:center;padding:1rem}
        @media (min-width:36rem){.cards{grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}\
        .blocks{grid-template-columns:repeat(auto-fill,minmax(20rem,1fr))}}
        @media (min-width:60rem){h1{font-size:2rem}article{max-width:46rem}}

        """

    /// The stylesheet's version in its address: a hash of its text.
    static let stylesheetVersion = String(FNV1a.hash(utf8: stylesheet), radix: 36)
}
