//! Static files (styles, scripts, the offline base map, vendored libraries), compiled into the
//! binary. Each is served at `/static/{hash}/{path}`, where the hash is taken from its content: a
//! page names the current hash, so the file can be cached for a year and a new release is
//! fetched anew. A request with another hash (a relative URL inside a stylesheet, an old page) is
//! still answered, but not cached for long.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    path: &'static str,
    media_type: &'static str,
    bytes: &'static [u8],
    /// A gzip copy, for browsers that accept it.
    gzip: Option<&'static [u8]>,
}

macro_rules! asset {
    ($path:literal, $media:literal) => {
        Asset {
            path: $path,
            media_type: $media,
            bytes: include_bytes!(concat!("../../static/", $path)),
            gzip: None,
        }
    };
    ($path:literal, $media:literal, gzip) => {
        Asset {
            path: $path,
            media_type: $media,
            bytes: include_bytes!(concat!("../../static/", $path)),
            gzip: Some(include_bytes!(concat!("../../static/", $path, ".gz"))),
        }
    };
}

static ASSETS: [Asset; 14] = [
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("map.js", "text/javascript; charset=utf-8"),
    asset!("upload.js", "text/javascript; charset=utf-8"),
    asset!("region.geojson", "application/geo+json"),
    asset!("vendor/leaflet/leaflet.js", "text/javascript; charset=utf-8", gzip),
    asset!("vendor/leaflet/leaflet.css", "text/css; charset=utf-8", gzip),
    asset!("vendor/leaflet/images/layers.png", "image/png"),
    asset!("vendor/leaflet/images/layers-2x.png", "image/png"),
    asset!("vendor/leaflet/images/marker-icon.png", "image/png"),
    asset!("vendor/leaflet/images/marker-icon-2x.png", "image/png"),
    asset!("vendor/leaflet/images/marker-shadow.png", "image/png"),
    asset!(
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "text/javascript; charset=utf-8",
        gzip
    ),
    asset!(
        "vendor/leaflet.markercluster/MarkerCluster.Default.css",
        "text/css; charset=utf-8",
        gzip
    ),
];

/// The content hash of every asset, by path.
static HASHES: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let digest = Sha256::digest(a.bytes);
            let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
            (a.path, hex)
        })
        .collect()
});

/// The URL of an asset, with its content hash.
pub fn url(path: &str) -> String {
    let hash = HASHES.iter().find(|(p, _)| *p == path).map_or("0", |(_, h)| h.as_str());
    format!("/static/{hash}/{path}")
}

/// `GET /static/{hash}/{*path}`
pub async fn serve(Path((hash, path)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let Some((i, asset)) = ASSETS.iter().enumerate().find(|(_, a)| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let current = HASHES.get(i).is_some_and(|(_, h)| *h == hash);
    let accepts_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|e| e.split(';').next().is_some_and(|e| e.trim() == "gzip"))
        });
    let (body, gzipped) = match asset.gzip {
        Some(gz) if accepts_gzip => (gz, true),
        _ => (asset.bytes, false),
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.media_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if current {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=300"
        }),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzipped {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_asset_has_a_hashed_url() {
        for a in &super::ASSETS {
            let u = super::url(a.path);
            assert!(
                u.starts_with("/static/") && u.ends_with(a.path) && !u.contains("/0/"),
                "{u}"
            );
        }
    }
}
