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
