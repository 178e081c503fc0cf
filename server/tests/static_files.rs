//! The front end's files (issue 6): content-hashed names in the page,
//! precompressed brotli or gzip chosen by the browser's Accept-Encoding,
//! and a year of caching only for what exists under a hashed name.

mod common;

use common::{Backend, Reply, TestApp, spawn_with};

const HASH: &str = "AbCdEfGhIjKlMnOpQrStUv";

/// A built site as `cargo leptos build --release --precompress` with
/// hash-files leaves it, with recognisable contents per encoding.
async fn app_with_site(site: &std::path::Path) -> TestApp {
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for ext in ["js", "wasm", "css"] {
        let name = format!("twofold.{HASH}.{ext}");
        std::fs::write(pkg.join(&name), format!("identity {ext}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), format!("brotli {ext}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), format!("gzip {ext}")).unwrap();
    }
    let hash_file = site.join("hash.txt");
    std::fs::write(
        &hash_file,
        format!("js: {HASH}\nwasm: {HASH}\ncss: {HASH}\n"),
    )
    .unwrap();
    let site = site.to_owned();
    spawn_with(Backend::Sqlite, move |config| {
        config.site_root = site;
        config.hash_file = Some(hash_file);
    })
    .await
}

async fn fetch(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> Reply {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(encodings) = accept_encoding {
        request = request.header("accept-encoding", encodings);
    }
    app.client().send(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_the_hashed_files() {
    let site = tempfile::tempdir().unwrap();
    let app = app_with_site(site.path()).await;
    let page = app.client().get("/login").await;
    assert_eq!(page.status, 200);
    for file in [
        format!("/pkg/twofold.{HASH}.css"),
        format!("/pkg/twofold.{HASH}.js"),
        format!("/pkg/twofold.{HASH}.wasm"),
    ] {
        assert!(page.body.contains(&file), "{file} in {}", page.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precompressed_files_follow_accept_encoding_and_cache_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    let app = app_with_site(site.path()).await;
    let path = format!("/pkg/twofold.{HASH}.wasm");
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), Some("br"), "brotli wasm"),
        (Some("gzip"), Some("gzip"), "gzip wasm"),
        (None, None, "identity wasm"),
    ] {
        let reply = fetch(&app, &path, accept).await;
        assert_eq!(reply.status, 200, "{accept:?}");
        assert_eq!(reply.header("content-encoding"), encoding, "{accept:?}");
        assert_eq!(reply.body, body);
        assert_eq!(reply.header("content-type"), Some("application/wasm"));
        assert_eq!(
            reply.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert!(
            reply
                .header("vary")
                .is_some_and(|v| v.contains("accept-encoding"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_files_are_not_cached() {
    let site = tempfile::tempdir().unwrap();
    let app = app_with_site(site.path()).await;
    let reply = fetch(&app, "/pkg/twofold.OldHashFromLastWeek00.js", Some("br")).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("cache-control"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_hashes_the_plain_names_are_revalidated() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/twofold.css"), "body {}").unwrap();
    let root = site.path().to_owned();
    let app = spawn_with(Backend::Sqlite, move |config| config.site_root = root).await;
    let page = app.client().get("/login").await;
    assert!(page.body.contains("/pkg/twofold.css"), "{}", page.body);
    let reply = fetch(&app, "/pkg/twofold.css", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
}
