# Табло в залі очікування.
display-call = Номер { $number }, { $desk }.
display-recall = Повторно: номер { $number }, { $desk }.
display-latest = Виклик
display-previous = Попередні виклики
display-waiting = В очікуванні
display-no-calls = Викликів ще немає
display-reconnecting = Не оновлено з { $time }: повторне підключення
display-enable-sound = Увімкнути звук
display-key = Ключ табло
display-setup-key = Сервер відхиляє ключ цього табло ({ $status }): перевірте --key
display-setup-site = Сервер не знає місця «{ $site }»: перевірте --site
display-setup-address = «{ $url }» — не адреса сервера: вона має починатися з http:// або https://
display-setup-services = Невідомі послуги в цьому місці: { $ids } (перевірте --services)
# Для персоналу, дрібно вгорі: звук не працює. $detail: причина, як її повідомляє система.
display-sound-failing = Звук не працює: { $detail }
display-sound-missing = Немає програвача звуку: { $detail }
display-sound-chime-only = Лише сигнал, без голосу: { $detail }
display-sound-not-enabled = Звук не ввімкнено в цьому браузері: торкніться «Увімкнути звук»
