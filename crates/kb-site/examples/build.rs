//! `cargo run -p kb-site --example build -- ROOT OUT`: build the site alone, without the index.
fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| ".".into());
    let out = args.next().unwrap_or_else(|| format!("{root}/public"));
    match kb_site::build(root.as_ref(), out.as_ref(), &mut kb_site::NoHooks) {
        Ok(r) => eprintln!("built {} pages", r.pages),
        Err(e) => {
            println!("{e}");
            std::process::exit(1);
        }
    }
}
