//! Re-authentication made visible: after a password confirmation the
//! Settings frame says how long sensitive actions stay unlocked
//! ("Confirmed for 4:32") and offers Lock now, which ends it on the server.

use std::time::Duration;

use leptos::prelude::*;

use super::FormError;
use super::browser::now_ms;
use crate::api::action;
use crate::api::reauth::LockSensitiveActions;
use crate::i18n::use_lang;

/// The unlock of this session, shared by the island's components. The
/// deadline is kept in the browser's clock; the seconds left are what is
/// shown.
#[derive(Debug, Clone, Copy)]
pub struct Unlocked {
    left: RwSignal<Option<u32>>,
    deadline: StoredValue<Option<f64>>,
}

impl Unlocked {
    /// Provides the unlock the server reported (`None`: locked).
    pub fn provide(seconds: Option<u32>) -> Self {
        let unlocked = Self {
            left: RwSignal::new(seconds),
            deadline: StoredValue::new(None),
        };
        provide_context(unlocked);
        unlocked
    }

    /// Starts the once-a-second countdown (it runs only in the browser).
    pub fn run(self) {
        Effect::new(move |_| {
            self.tick();
            let _ = set_interval_with_handle(move || self.tick(), Duration::from_secs(1));
        });
    }

    /// A password confirmation unlocked `seconds` from now (or the server
    /// said so); `None` locks.
    pub fn set(self, seconds: Option<u32>) {
        match seconds.filter(|seconds| *seconds > 0) {
            Some(seconds) => {
                self.deadline
                    .set_value(Some(now_ms() + f64::from(seconds) * 1000.0));
                self.left.set(Some(seconds));
            }
            None => {
                self.deadline.set_value(None);
                self.left.set(None);
            }
        }
    }

    fn tick(self) {
        match (self.left.get_untracked(), self.deadline.get_value()) {
            // From the server's figure: the deadline starts now.
            (Some(left), None) => self.set(Some(left)),
            (Some(shown), Some(deadline)) => {
                let left = ((deadline - now_ms()) / 1000.0).ceil();
                if left < 1.0 {
                    self.set(None);
                } else if left as u32 != shown {
                    self.left.set(Some(left as u32));
                }
            }
            (None, _) => {}
        }
    }
}

/// "Confirmed for m:ss" and Lock now, while sensitive actions are unlocked.
#[component]
pub fn UnlockedStatus() -> impl IntoView {
    let lang = use_lang();
    let unlocked = use_context::<Unlocked>();
    let left = move || unlocked.and_then(|unlocked| unlocked.left.get());
    let lock = action::<LockSensitiveActions>();
    let error = Signal::derive(move || lock.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = lock.value().get() {
            lock.value().set(None);
            if let Some(unlocked) = unlocked {
                unlocked.set(None);
            }
        }
    });

    // Only the figure changes each second: `shown` changes only when the
    // unlock starts or ends, so the button keeps its focus.
    let shown = Memo::new(move |_| left().is_some());
    view! {
        {move || shown.get().then(|| view! {
            <p class="unlocked">
                <span>
                    {move || left().map(|s| {
                        let time = format!("{}:{:02}", s / 60, s % 60);
                        lang.t_with("unlocked.confirmed_for", &[("time", &time)])
                    })}
                </span>
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| {
                        lock.dispatch(LockSensitiveActions {});
                    }
                >
                    {lang.t("unlocked.lock_now")}
                </button>
            </p>
        })}
        <FormError error id="lock-error" />
    }
}
