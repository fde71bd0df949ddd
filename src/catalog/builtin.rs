//! The default catalog: the repository's `badges/<slug>/` folders compiled
//! into the binary, so `rosette` works from any directory.

use std::path::{Path, PathBuf};

use super::{ACHIEVEMENT_FILE, Catalog, CatalogError, TEMPLATE_FILE, load_certification};

/// One compiled-in certification folder: its slug and its two files.
struct Embedded {
    slug: &'static str,
    achievement: &'static str,
    template: &'static str,
}

/// The compiled-in folders, listed once; a unit test checks that they are
/// exactly the folders of `badges/` that [`Catalog::load`] finds.
macro_rules! embedded {
    ($($slug:literal),* $(,)?) => {
        &[$(Embedded {
            slug: $slug,
            achievement: include_str!(concat!("../../badges/", $slug, "/achievement.toml")),
            template: include_str!(concat!("../../badges/", $slug, "/template.svg")),
        }),*]
    };
}

const EMBEDDED: &[Embedded] = embedded![
    "gitlab-certified-associate",
    "gitlab-ci-cd-specialist",
    "gitlab-innersourcing-specialist",
    "gitlab-project-management-specialist",
];

/// Where the built-in catalog's folders live in the source tree; messages
/// about a built-in certification name `badges/<slug>/…`.
pub(super) const BUILTIN_ROOT: &str = "badges";

impl Catalog {
    /// The four certifications compiled into the binary, checked exactly as
    /// [`Catalog::load`] checks a folder.
    ///
    /// # Errors
    /// A [`CatalogError`] naming `badges/<slug>/…` if the compiled-in files
    /// do not pass the checks (a unit test keeps them passing).
    pub fn builtin() -> Result<Catalog, CatalogError> {
        let certifications = EMBEDDED
            .iter()
            .map(|e| {
                let folder = PathBuf::from(BUILTIN_ROOT).join(e.slug);
                load_certification(&folder, |file: &Path| {
                    if file.ends_with(ACHIEVEMENT_FILE) {
                        Ok(e.achievement.to_owned())
                    } else if file.ends_with(TEMPLATE_FILE) {
                        Ok(e.template.to_owned())
                    } else {
                        Err(std::io::ErrorKind::NotFound.into())
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Catalog::of(certifications)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_is_the_badges_folder_on_disk() {
        let on_disk = Path::new(env!("CARGO_MANIFEST_DIR")).join(BUILTIN_ROOT);
        let mut loaded = match Catalog::load(&on_disk) {
            Ok(c) => c,
            Err(e) => panic!("badges/ does not load: {e}"),
        };
        let builtin = match Catalog::builtin() {
            Ok(c) => c,
            Err(e) => panic!("the built-in catalog does not load: {e}"),
        };
        // Only where each was read from differs.
        for c in &mut loaded.certifications {
            assert_eq!(c.dir, on_disk.join(c.slug.as_str()));
            c.dir = PathBuf::from(BUILTIN_ROOT).join(c.slug.as_str());
        }
        assert_eq!(builtin, loaded);
        assert_eq!(builtin.len(), 4);
        assert_eq!(
            builtin.slug_list(),
            "gitlab-certified-associate, gitlab-ci-cd-specialist, \
             gitlab-innersourcing-specialist, gitlab-project-management-specialist"
        );
    }
}
