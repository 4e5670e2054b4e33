//! What each command does and prints. Output to standard output goes through [`Out`], so that a
//! reader that stops early (`kb search … | head -1`) ends the command quietly.

use std::io::Write;
use std::path::Path;

pub fn build(root: &Path, output: &Path, base_url: Option<kb_site::base_url::BaseUrl>) -> i32 {
    let opts = kb_build::BuildOptions {
        base_url,
        ..Default::default()
    };
    let status = match kb_build::build_with(root, output, &opts) {
        Ok(report) => {
            eprintln!(
                "built {} pages ({} files) into {}",
                report.pages,
                report.files,
                report.output.display()
            );
            0
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!(
                "build failed; the previous output in {} is unchanged",
                output.display()
            );
            1
        }
    };
    // The new output is live; the replaced one may still be being removed.
    kb_site::output::wait_for_cleanup();
    status
}

pub fn check(root: &Path) -> i32 {
    match kb_build::check(root) {
        Ok(site) => {
            let measures = kb_site::data::measures(&site).len();
            eprintln!(
                "ok: {} files, {} measures, {} cities",
                site.entries.len(),
                measures,
                site.cities().len()
            );
            0
        }
        Err(d) => {
            let mut out = Out::new();
            out.line(format_args!("{d}"));
            eprintln!("{} problem(s) found", d.0.len());
            1
        }
    }
}

pub fn serve(opts: crate::server::ServeOptions) -> i32 {
    match crate::server::serve(opts) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

pub fn search(output: &Path, request: &search_indexer::SearchRequest, json: bool) -> i32 {
    let index = match kb_build::open_index(output) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e:#}\nhint: run `kb build` first");
            return 1;
        }
    };
    let resp = match index.search(request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut out = Out::new();
    if json {
        match serde_json::to_string_pretty(&resp) {
            Ok(text) => out.line(format_args!("{text}")),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
        return 0;
    }
    out.line(format_args!("{} result(s) for {}", resp.total, resp.query));
    for (i, hit) in resp.results.iter().enumerate() {
        let city = hit
            .city
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default();
        out.line(format_args!(
            "{:>3}. {} [{}{city}] {}",
            i + 1,
            hit.title,
            hit.lang,
            hit.url
        ));
        let plain = hit.snippet.replace("<mark>", "[").replace("</mark>", "]");
        out.line(format_args!("     {}", html_unescape(&plain)));
    }
    0
}

pub fn import(root: &Path, opts: kb_import::ImportOptions) -> i32 {
    let imported =
        kb_import::SiteCities::read(root).and_then(|cities| kb_import::import_with(&opts, &cities));
    match imported {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            eprintln!(
                "imported {} chapters, wrote {} files into {}",
                report.chapters,
                report.files_written.len(),
                opts.out.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

pub fn synth(opts: kb_synth::SynthOptions) -> i32 {
    match kb_synth::synth(&opts) {
        Ok(r) => {
            eprintln!(
                "wrote {} cities, {} measures ({} files) into {}",
                r.cities,
                r.measures,
                r.files,
                opts.out.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

/// Standard output that a closed pipe silences instead of panicking: once a write fails with
/// `BrokenPipe` (the reader has all it wanted), further lines are dropped and the command
/// still exits with its own status.
struct Out {
    stdout: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            stdout: std::io::stdout().lock(),
            closed: false,
        }
    }

    fn line(&mut self, args: std::fmt::Arguments) {
        if self.closed {
            return;
        }
        if let Err(e) = writeln!(self.stdout, "{args}") {
            self.closed = true;
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write to standard output: {e}");
            }
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        if !self.closed {
            let _ = self.stdout.flush();
        }
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
