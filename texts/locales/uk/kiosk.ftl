# Кіоск: екран, голос (espeak-ng) і паперовий талон.

## Питання та відповіді
kiosk-choose-language = Оберіть мову
kiosk-party-size = Для скількох людей цей талон?
kiosk-yes = Так
kiosk-no = Ні
kiosk-mediator = Вам потрібен посередник або перекладач?
kiosk-no-mediator = Ні, дякую

## Заголовки та повідомлення
kiosk-issuing = Хвилинку, ми готуємо ваш талон
kiosk-your-ticket = Ось ваш номер
kiosk-closed = Ця послуга зараз недоступна
kiosk-closed-advice = Зверніться на рецепцію: вам скажуть, коли повернутися або куди піти.
kiosk-offline = Зараз ми не можемо видати талони. Будь ласка, підійдіть до рецепції.
kiosk-server-error = Щось пішло не так. Будь ласка, підійдіть до рецепції.
kiosk-still-there-speech = Ви ще тут? Незабаром почнемо спочатку.
kiosk-help-sent = Ми повідомили працівників: хтось підійде вам допомогти.
kiosk-help-failed = Ми не можемо зв'язатися з працівниками. Будь ласка, підійдіть до рецепції.
kiosk-help-coming = Працівник уже йде до вас.
kiosk-printer-failed = Принтер не працює. Сфотографуйте екран або запам'ятайте свій номер.

## Талон (екран і папір)
kiosk-ahead-line = { people-ahead }: { $n }
kiosk-wait-line = { estimated-wait }: { wait-minutes }
kiosk-paper-privacy = Талон не містить вашого імені. Скануйте QR-код, щоб стежити за чергою.
kiosk-your-number = Ваш номер: { $number }
kiosk-qr-label = QR-код, щоб стежити за чергою на телефоні
kiosk-scan-hint = Скануйте, щоб стежити за чергою на телефоні
kiosk-done = Готово

## Кнопки та стани екрана
kiosk-start-over = Почати спочатку
kiosk-help-now = Мені потрібна допомога зараз
kiosk-standard-layout = Звичайний вигляд
kiosk-low-reach-layout = Кнопки внизу (інвалідний візок)
kiosk-no-connection = Немає з'єднання
kiosk-go-to-reception = Будь ласка, підійдіть до рецепції
kiosk-starting = Запуск…
kiosk-try-again = Спробувати ще раз
kiosk-still-there = Ви ще тут?
# Через 1 секунду, 2 секунди, 5 секунд, 21 секунду.
kiosk-going-back = Повернення на початок через { $n ->
    [one] { $n } секунду
    [few] { $n } секунди
   *[other] { $n } секунд
}
kiosk-more-time = Мені потрібно більше часу
kiosk-calling-staff = Викликаємо працівників…
kiosk-ok = Гаразд
kiosk-wait-line-range = { estimated-wait }: { wait-range-minutes }

## Підсумок, сторінки варіантів, голос, стани
kiosk-no-desk-open = Зараз для цього не працює жодне віконце
kiosk-back = Назад
kiosk-summary-title = Ви обрали:
kiosk-summary-people = { $n ->
    [one] { $n } особа
    [few] { $n } особи
   *[other] { $n } осіб
}
kiosk-summary-mediator = Посередник: { $language }
kiosk-print-ticket = Надрукувати мій талон
kiosk-show-ticket = Показати мій талон
kiosk-change = Змінити
kiosk-listen = Слухати
kiosk-repeat = Повторити
kiosk-volume = Гучність
kiosk-touch-again = Ви торкнулися: { $choice }. Торкніться ще раз, щоб підтвердити.
kiosk-option-spoken = { $n }: { $label }.
kiosk-closed-opens = Знову відкриється { $when }.
kiosk-closed-full = Талони на сьогодні для цієї послуги закінчилися.
kiosk-more-choices = Інші варіанти
kiosk-previous-choices = Попередні варіанти
kiosk-page = { $page } з { $pages }
kiosk-ticket-speech = Ваш номер { $number }. { $label }.
kiosk-printer-none = Цей кіоск не друкує: сфотографуйте екран або запам'ятайте свій номер.

## Запис на прийом: реєстрація за кодом з талона запису (issue 16)
kiosk-have-appointment = У мене запис на прийом
kiosk-appointment-title = Введіть код з вашого талона запису
# $code: код, введений досі, групами, як на талоні (7K3M QD9P 4).
kiosk-appointment-code = Код: { $code }
kiosk-appointment-delete = Стерти останній символ
kiosk-appointment-clear = Стерти все
kiosk-appointment-check-in = Зареєструвати прихід
kiosk-appointment-typo = У цьому коді помилка: перевірте його.
# $time: коли відкривається реєстрація, місцевий час HH:MM.
kiosk-appointment-early = Реєстрація відкривається о { $time }
kiosk-appointment-early-soon = Реєстрація на цей запис ще не відкрита
kiosk-appointment-early-advice = Поверніться до кіоску в цей час або зверніться на рецепцію.
kiosk-appointment-late = Час вашого запису минув
kiosk-appointment-late-advice = Працівників повідомлено. Візьміть звичайний талон.
kiosk-appointment-take-ticket = Взяти звичайний талон
kiosk-appointment-used = Цей код уже використано. Якщо це були не ви, зверніться на рецепцію.
kiosk-appointment-unknown = Ми не знаємо цього коду. Звірте його зі своїм талоном або зверніться на рецепцію.
kiosk-appointment-wait = Забагато неправильних кодів. Зачекайте хвилину, потім спробуйте ще раз.
kiosk-appointment-offline = Зараз ми не можемо перевірити ваш код. Спробуйте трохи згодом або підійдіть до рецепції.
