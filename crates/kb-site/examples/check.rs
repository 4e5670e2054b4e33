//! `cargo run -p kb-site --example check -- ROOT`: validate a site without the `kb` binary.
fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    match kb_site::check(std::path::Path::new(&root)) {
        Ok(site) => eprintln!("ok: {} files", site.entries.len()),
        Err(d) => {
            println!("{d}");
            std::process::exit(1);
        }
    }
}
