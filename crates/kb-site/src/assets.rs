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
        let css = grass::from_path(&path, &options)
            .map_err(|e| sass_diagnostic(root, &Path::new("sass").join(rel), *e))?;
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

/// Where grass stopped — which may be a partial the stylesheet imports — as `file:line:col`,
/// with grass's own message; `entry` stands in when grass names no place (an unreadable file).
fn sass_diagnostic(root: &Path, entry: &Path, error: grass::Error) -> Diagnostic {
    match error.kind() {
        grass::ErrorKind::ParseError { message, loc, .. } => {
            let file = Path::new(loc.file.name());
            Diagnostic::new(
                crate::diagnostics::display_path(root, file),
                loc.begin.line + 1,
                format!("Sass error: {message}"),
            )
            .at(loc.begin.line + 1, loc.begin.column + 1)
        }
        grass::ErrorKind::IoError(e) => Diagnostic::new(entry, 0, format!("Sass error: {e}")),
        grass::ErrorKind::FromUtf8Error(e) => {
            Diagnostic::new(entry, 0, format!("Sass error: not UTF-8: {e}"))
        }
        other => Diagnostic::new(entry, 0, format!("Sass error: {other:?}")),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        tmp
    }

    #[test]
    fn a_sass_error_names_the_file_line_and_column_where_grass_stopped() {
        let tmp = site_with(&[(
            "sass/style.scss",
            "a { color: red; }\n.b { color: $nope; }\n",
        )]);
        let Err(d) = compile_sass(tmp.path()) else {
            panic!("bad Sass compiled")
        };
        assert_eq!(d.path, Path::new("sass/style.scss"));
        assert_eq!((d.line, d.column), (2, 13));
        assert!(d.message.contains("Undefined variable"), "{}", d.message);
    }

    #[test]
    fn an_error_in_an_imported_partial_names_the_partial() {
        let tmp = site_with(&[
            ("sass/style.scss", "@import \"theme\";\n"),
            ("sass/_theme.scss", "\n\n.x { width: 1px + ; }\n"),
        ]);
        let Err(d) = compile_sass(tmp.path()) else {
            panic!("bad Sass compiled")
        };
        assert_eq!(d.path, Path::new("sass/_theme.scss"));
        assert_eq!(d.line, 3);
    }

    #[test]
    fn partials_are_not_compiled_on_their_own() {
        let tmp = site_with(&[
            ("sass/style.scss", "@import \"vars\";\na { color: $c; }\n"),
            ("sass/_vars.scss", "$c: #123456;\n"),
        ]);
        let out = compile_sass(tmp.path()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "style.css");
        assert!(String::from_utf8_lossy(&out[0].contents).contains("#123456"));
    }
}
