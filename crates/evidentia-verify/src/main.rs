//! `evidentia-verify BUNDLE.zip [--key VKEY]`: see the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = evidentia_verify::run(
        std::env::args_os(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
