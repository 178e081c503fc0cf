//! The server functions' argument structs, as their macro derives them.

use app::types::Secret;

/// The server functions' argument structs derive `Debug` (the macro
/// does): what they carry that is secret prints as `Secret(..)`.
#[test]
fn arguments_never_print_their_secrets() {
    let printed = [
        format!(
            "{:?}",
            app::api::auth::SignIn {
                login: "ana".into(),
                password: Secret("hunter2 hunter2".into()),
            }
        ),
        format!(
            "{:?}",
            app::api::reauth::ConfirmPassword {
                password: Secret("hunter2 hunter2".into()),
            }
        ),
        format!(
            "{:?}",
            app::api::second_step::VerifyRecoveryCode {
                recovery_code: Secret("abcd-efgh-jkmn-pqrs".into()),
            }
        ),
        format!(
            "{:?}",
            app::api::two_factor::ConfirmTwoFactorSetup {
                code: Secret("123456".into()),
            }
        ),
    ];
    for text in printed {
        assert!(text.contains("Secret(..)"), "{text}");
        for secret in ["hunter2", "abcd", "123456"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
