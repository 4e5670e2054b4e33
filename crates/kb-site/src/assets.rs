//! Stylesheets (Sass compiled with grass, as Zola does) and static files copied verbatim.

use crate::diagnostics::Diagnostic;
use crate::render::OutputFile;
use std::path::Path;

/// Compiles every `sass/*.scss` that is not a partial (`_name.scss`) to `<name>.css`.
pub fn compile_sass(root: &Path) -> Result<Vec<OutputFile>, Diagnostic> {
    let dir = root.join("sass");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "scss" || x == "sass"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    files.sort();
    let options = grass::Options::default().style(grass::OutputStyle::Compressed);
    for path in files {
        let rel = path.strip_prefix(&dir).unwrap_or(&path);
        let css = grass::from_path(&path, &options).map_err(|e| {
            let shown = Path::new("sass").join(rel);
            Diagnostic::new(
                shown,
                0,
                format!(
                    "Sass error: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ),
            )
        })?;
        let name = rel
            .with_extension("css")
            .to_string_lossy()
            .replace('\\', "/");
        out.push(OutputFile {
            path: name,
            contents: css.into_bytes(),
        });
    }
    Ok(out)
}

/// Every file below `static/`, to be copied to the same path in the output.
pub fn static_files(root: &Path) -> Result<Vec<OutputFile>, Diagnostic> {
    let dir = root.join("static");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let contents = std::fs::read(entry.path()).map_err(|e| {
            Diagnostic::new(
                Path::new("static").join(rel),
                0,
                format!("cannot read: {e}"),
            )
        })?;
        out.push(OutputFile {
            path: rel.to_string_lossy().replace('\\', "/"),
            contents,
        });
    }
    Ok(out)
}
