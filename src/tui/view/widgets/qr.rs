//! A QR code drawn with half-block characters: each text row holds two rows of modules, so the
//! code keeps its square shape in a terminal whose cells are twice as tall as wide.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin phones need around the code.
const QUIET_ZONE: usize = 2;

/// The code as text lines, or `None`
/// when the data does not fit a QR code.
pub fn lines(data: &str) -> Option<Vec<String>> {
    let code = QrCode::with_error_correction_level(data, EcLevel::L).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let dark = |x: usize, y: usize| -> bool {
        let inside = |v: usize| (QUIET_ZONE..QUIET_ZONE + width).contains(&v);
        inside(x) && inside(y) && colors[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark
    };
    let size = width + 2 * QUIET_ZONE;
    // Light modules are drawn as ink: on the usual dark terminal background that gives dark
    // modules on a light square, the way scanners expect it.
    Some(
        (0..size)
            .step_by(2)
            .map(|y| {
                (0..size)
                    .map(|x| match (!dark(x, y), y + 1 < size && !dark(x, y + 1)) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    })
                    .collect()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_login_url_fits_a_small_square_code() {
        let lines = lines("https://microsoft.com/devicelogin").unwrap();
        let width = lines[0].chars().count();
        assert!(width <= 33, "{width}");
        assert_eq!(lines.len(), width.div_ceil(2));
        // The quiet zone is light, drawn as full blocks.
        assert!(lines[0].chars().all(|c| c == '█'));
    }
}
